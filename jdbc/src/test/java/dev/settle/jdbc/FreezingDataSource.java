package dev.settle.jdbc;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * A data source whose next commit, once armed, stops before it is sent, as a process frozen by
 * SIGSTOP or a long GC pause between its last statement and its commit does: the database
 * transaction stays open and keeps the rows it updated locked.
 */
final class FreezingDataSource extends CommitInterceptingDataSource {
  private volatile boolean armed;
  private final CountDownLatch frozen = new CountDownLatch(1);
  private final CountDownLatch thawed = new CountDownLatch(1);

  FreezingDataSource(DataSource real) {
    super(real);
  }

  /** The next commit on any connection freezes until {@link #thaw}. */
  void freezeNextCommit() {
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
    if (armed) {
      armed = false;
      frozen.countDown();
      thawed.await();
    }
  }
}
