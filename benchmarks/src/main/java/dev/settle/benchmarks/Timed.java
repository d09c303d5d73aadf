package dev.settle.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A plain timed loop, for the rows JMH cannot host well (an external server, a latency
 * distribution): {@code threads} threads repeat one operation through a warmup, then through a
 * measured window; every operation that ends inside the window counts, with its latency. {@link
 * #compare} measures Settle and its floor in alternating slices of the window (floor, Settle,
 * Settle, floor, ...), so that a machine whose load changes during the run (other builds) weighs
 * on both alike.
 */
final class Timed {
  /** One operation of one thread. */
  @FunctionalInterface
  interface Op {
    void run(int thread) throws Exception;
  }

  /**
   * What one run measured.
   *
   * @param opsPerSecond operations that finished in the window, per second of window
   * @param p50Millis median latency of those operations
   * @param p99Millis 99th percentile latency
   * @param count how many finished in the window
   */
  record Result(double opsPerSecond, double p50Millis, double p99Millis, long count) {}

  /**
   * Warmup and window lengths for a full or a quick run.
   *
   * @param warmup before the first slice of each operation
   * @param measure the whole measured time of each operation
   * @param slices how many alternating slices {@code measure} is cut into
   */
  record Windows(Duration warmup, Duration measure, int slices) {
    static Windows of(boolean quick) {
      return quick
          ? new Windows(Duration.ofMillis(500), Duration.ofMillis(1600), 2)
          : new Windows(Duration.ofSeconds(2), Duration.ofSeconds(5), 5);
    }
  }

  /** One measured slice: the latencies (ns) of the operations that finished in it. */
  private record Slice(long[] latencies, int count, double seconds) {}

  /** Warmup before every slice but the first, to let the threads and connections settle. */
  private static final Duration REWARM = Duration.ofMillis(200);

  private static final int WARMUP = 0;
  private static final int MEASURE = 1;
  private static final int STOP = 2;

  private Timed() {}

  /**
   * Measures {@code floor} and {@code settle} on {@code threads} threads each, in alternating
   * slices; returns the floor's result, then Settle's.
   */
  static Result[] compare(String what, int threads, Windows windows, Op floor, Op settle) {
    Duration slice = windows.measure().dividedBy(windows.slices());
    List<List<Slice>> slices = List.of(new ArrayList<>(), new ArrayList<>());
    Op[] ops = {floor, settle};
    String[] names = {what + "-floor", what + "-settle"};
    for (int i = 0; i < windows.slices(); i++) {
      Duration warmup = i == 0 ? windows.warmup() : REWARM;
      for (int k = 0; k < 2; k++) {
        int which = i % 2 == 0 ? k : 1 - k;
        slices.get(which).add(slice(names[which], threads, warmup, slice, ops[which]));
      }
    }
    return new Result[] {merge(slices.get(0)), merge(slices.get(1))};
  }

  private static Result merge(List<Slice> slices) {
    int total = 0;
    double seconds = 0;
    for (Slice s : slices) {
      total += s.count();
      seconds += s.seconds();
    }
    long[] all = new long[total];
    int at = 0;
    for (Slice s : slices) {
      System.arraycopy(s.latencies(), 0, all, at, s.count());
      at += s.count();
    }
    Arrays.sort(all);
    return new Result(total / seconds, percentile(all, 0.50), percentile(all, 0.99), total);
  }

  /** Runs {@code op} on {@code threads} threads; the first failure stops the run and is thrown. */
  private static Slice slice(String what, int threads, Duration warmupTime, Duration measureTime, Op op) {
    AtomicInteger phase = new AtomicInteger(WARMUP);
    AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    long[][] latencies = new long[threads][];
    int[] counts = new int[threads];
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread worker =
          new Thread(
              () -> {
                long[] mine = new long[1024];
                int n = 0;
                try {
                  while (true) {
                    if (phase.get() == STOP || failure.get() != null) {
                      break;
                    }
                    long start = System.nanoTime();
                    op.run(id);
                    long took = System.nanoTime() - start;
                    if (phase.get() == MEASURE) {
                      if (n == mine.length) {
                        mine = Arrays.copyOf(mine, n * 2);
                      }
                      mine[n++] = took;
                    }
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
                latencies[id] = mine;
                counts[id] = n;
              },
              "bench-" + what + "-" + t);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
    sleep(warmupTime);
    phase.set(MEASURE);
    long start = System.nanoTime();
    sleep(measureTime);
    long end = System.nanoTime();
    phase.set(STOP);
    for (Thread worker : workers) {
      try {
        worker.join(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
      if (worker.isAlive()) {
        throw new IllegalStateException(what + ": a thread did not stop within 60 s");
      }
    }
    Throwable failed = failure.get();
    if (failed != null) {
      throw new IllegalStateException(what + " failed: " + failed, failed);
    }
    int total = 0;
    for (int c : counts) {
      total += c;
    }
    long[] all = new long[total];
    int at = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(latencies[t], 0, all, at, counts[t]);
      at += counts[t];
    }
    return new Slice(all, total, (end - start) / 1e9);
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
