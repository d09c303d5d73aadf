package dev.settle.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The work every benchmark does per branch, and all the CPU floor does: one lock-guarded map
 * update. A participant's branch costs one such update, so a two-branch transaction costs two.
 */
final class Accounts {
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Integer, Long> balances = new HashMap<>();

  Accounts() {
    for (int i = 0; i < 64; i++) {
      balances.put(i, 1_000_000_000L);
    }
  }

  void add(int account, long delta) {
    lock.lock();
    try {
      balances.merge(account & 63, delta, Long::sum);
    } finally {
      lock.unlock();
    }
  }
}
