package dev.settle.jdbc;

import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A data source whose every commit takes {@code delayMillis} longer, as on a slow disk, and that
 * counts how many commits were under way at once: the most tells whether groups overlapped.
 */
final class SlowCommitDataSource extends CommitInterceptingDataSource {
  private final long delayMillis;
  private final AtomicInteger committing = new AtomicInteger();
  private final AtomicInteger mostCommitting = new AtomicInteger();

  SlowCommitDataSource(DataSource real, long delayMillis) {
    super(real);
    this.delayMillis = delayMillis;
  }

  /** The most commits that were under way at once. */
  int mostCommitsAtOnce() {
    return mostCommitting.get();
  }

  @Override
  void beforeCommit() throws InterruptedException {
    mostCommitting.accumulateAndGet(committing.incrementAndGet(), Math::max);
    Thread.sleep(delayMillis); // before the commit: the transaction stays open meanwhile
  }

  @Override
  void afterCommit() {
    committing.decrementAndGet();
  }
}
