package dev.settle.jdbc;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A data source whose next commit, once armed, stops before it is sent, as a process frozen by
 * SIGSTOP or a long GC pause between its last statement and its commit does: the database
 * transaction stays open and keeps the rows it updated locked. It may be armed again once thawed.
 */
final class FreezingDataSource extends CommitInterceptingDataSource {
  private volatile boolean armed;
  /** Only this thread's commit freezes, or any thread's when null. */
  private volatile @Nullable Thread only;
  private volatile CountDownLatch frozen = new CountDownLatch(1);
  private volatile CountDownLatch thawed = new CountDownLatch(1);

  FreezingDataSource(DataSource real) {
    super(real);
  }

  /** The next commit on any connection freezes until {@link #thaw}. */
  void freezeNextCommit() {
    arm(null);
  }

  /**
   * The next commit made by {@code thread} freezes until {@link #thaw}; other threads' commits (a
   * heartbeat's, say) go through.
   */
  void freezeNextCommitBy(Thread thread) {
    arm(thread);
  }

  private void arm(@Nullable Thread thread) {
    frozen = new CountDownLatch(1);
    thawed = new CountDownLatch(1);
    only = thread;
    armed = true;
  }

  /** Waits until a commit froze. */
  boolean awaitFrozen(long seconds) throws InterruptedException {
    return frozen.await(seconds, TimeUnit.SECONDS);
  }

  void thaw() {
    thawed.countDown();
  }

  @Override
  void beforeCommit() throws InterruptedException {
    Thread thread = only;
    if (armed && (thread == null || thread == Thread.currentThread())) {
      armed = false;
      CountDownLatch release = thawed;
      frozen.countDown();
      release.await();
    }
  }
}
