package dev.settle.examples.wallet;

import dev.settle.core.Coordinator;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.event.TransactionListener;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.LogReplay;
import dev.settle.core.log.TransactionImage;
import dev.settle.testkit.CrashingTransactionLog;
import dev.settle.testkit.FaultPlan;
import dev.settle.testkit.SimulatedCrash;
import dev.settle.testkit.World;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * Many random transfers on one protocol with faults in every shard call and coordinator crashes;
 * once the transfers are done, faults stop, held calls arrive, recovery finishes every
 * transaction, and the invariants are measured.
 *
 * <p>A crash takes the whole coordinator process down: every thread's transaction dies, the
 * coordinator's memory is dropped, and a new coordinator recovers from the log before any thread
 * goes on.
 */
public final class WalletRun {
  private final WalletConfig config;
  private final World world;
  private final Bank bank;
  private final Transfers<?> transfers;
  private final CrashingTransactionLog log;
  private final Map<TransactionId, Outcome> outcomes = new ConcurrentHashMap<>();
  private final ReentrantReadWriteLock process = new ReentrantReadWriteLock();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong recovered = new AtomicLong();
  private long generation;
  private long recoveries;

  /** A run of {@code config}. */
  public WalletRun(WalletConfig config) {
    this.config = config;
    double r = config.faultRate();
    this.world = new World(config.seed(), new FaultPlan(r, r, r, r, r));
    this.bank = Bank.of(config.shards(), config.accounts(), WalletConfig.OPENING_CENTS);
    this.transfers = Transfers.of(config.protocol(), bank, world.faults(), world);
    this.log =
        config.crashRate() > 0
            ? CrashingTransactionLog.randomly(
                new InMemoryTransactionLog(), config.crashRate(), new java.util.Random(config.seed() * 13 + 5))
            : new CrashingTransactionLog(new InMemoryTransactionLog(), config.crashEvery());
  }

  /** Transfers finished so far, for a progress line. */
  public long progress() {
    return done.get();
  }

  /** Runs every transfer, quiesces, recovers and measures. */
  public WalletReport run() throws InterruptedException {
    return runTyped(transfers);
  }

  private <T> WalletReport runTyped(Transfers<T> protocol) throws InterruptedException {
    long started = System.nanoTime();
    long totalBefore = bank.total();
    TransactionListener quiet = event -> {};
    @SuppressWarnings("unchecked")
    Coordinator<T>[] current = new Coordinator[] {restart(protocol, quiet)};
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < config.threads(); t++) {
      int share = config.transfers() / config.threads() + (t < config.transfers() % config.threads() ? 1 : 0);
      Random random = new Random(config.seed() * 1_000_003L + t);
      Thread thread =
          new Thread(() -> runShare(protocol, current, quiet, random, share), "wallet-client-" + t);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    // Quiesce: the network stops failing and delivers what it held; recovery finishes the rest.
    world.quiesce(log);
    restart(protocol, quiet);
    // Count what the log says, not what a pass returned: a recovery pass that finished a
    // transaction and then crashed on a later one never returned the finished outcome, and the
    // in-doubt answer of the crashed attempt was left standing.
    Map<TransactionId, TransactionImage> images = LogReplay.all(log);
    long unfinished = images.values().stream().filter(i -> !i.ended()).count();
    long committed = 0;
    long inDoubt = 0;
    for (Outcome outcome : outcomes.values()) {
      TransactionImage image = images.get(outcome.transactionId());
      if (outcome instanceof Outcome.InDoubt doubt && (image == null || image.ended())) {
        // Finished since (an ended transaction's records may be compacted away): by the decision
        // the in-doubt answer already carried, which recovery drove to the end.
        committed += doubt.decision() == Decision.COMMIT ? 1 : 0;
      } else if (outcome instanceof Outcome.Committed) {
        committed++;
      } else if (!outcome.isClean()) {
        inDoubt++;
      }
    }
    return new WalletReport(
        config.protocol().flag(),
        config.transfers(),
        committed,
        config.transfers() - committed - inDoubt,
        Math.max(inDoubt, unfinished),
        totalBefore,
        bank.total(),
        bank.negativeBalances(),
        protocol.hangingReservations(),
        log.crashes(),
        recoveries,
        world.faults().stats(),
        (System.nanoTime() - started) / 1_000_000,
        recovered.get());
  }

  private <T> void runShare(
      Transfers<T> protocol, Coordinator<T>[] current, TransactionListener quiet, Random random, int share) {
    List<String> accounts = bank.accounts();
    for (int i = 0; i < share; i++) {
      String from = accounts.get(random.nextInt(accounts.size()));
      String to = accounts.get((accounts.indexOf(from) + 1 + random.nextInt(accounts.size() - 1)) % accounts.size());
      long cents = 1 + random.nextInt(500);
      long seenGeneration;
      boolean crashed = false;
      process.readLock().lock();
      try {
        seenGeneration = generation;
        Outcome outcome = current[0].execute(protocol.transfer(from, to, cents));
        outcomes.put(outcome.transactionId(), outcome);
      } catch (SimulatedCrash crash) {
        crashed = true;
        seenGeneration = generation;
      } finally {
        process.readLock().unlock();
      }
      if (crashed) {
        process.writeLock().lock();
        try {
          if (generation == seenGeneration) {
            current[0] = restart(protocol, quiet); // the first thread to notice restarts the process
          }
        } finally {
          process.writeLock().unlock();
        }
      }
      world.tick(Duration.ofMillis(1));
      done.incrementAndGet();
    }
  }

  /** A new coordinator process on the same log, recovered; a crash while recovering starts over. */
  private <T> Coordinator<T> restart(Transfers<T> protocol, TransactionListener listener) {
    while (true) {
      log.revive();
      Coordinator<T> coordinator = protocol.coordinator(world, log, listener);
      try {
        recoveries++;
        for (Outcome outcome : coordinator.recover()) {
          outcomes.put(outcome.transactionId(), outcome);
          recovered.incrementAndGet();
        }
        generation++;
        return coordinator;
      } catch (SimulatedCrash crash) {
        // died again while recovering
      }
    }
  }

  /** Runs {@code config}, reporting progress to {@code progress} every second after two. */
  public static WalletReport run(WalletConfig config, Consumer<String> progress) throws InterruptedException {
    WalletRun run = new WalletRun(config);
    Thread reporter =
        new Thread(
            () -> {
              try {
                Thread.sleep(2_000);
                while (true) {
                  progress.accept(
                      "wallet " + config.protocol().flag() + ": " + run.progress() + "/" + config.transfers()
                          + " transfers, " + run.log.crashes() + " crashes");
                  Thread.sleep(1_000);
                }
              } catch (InterruptedException stop) {
                // the run is over
              }
            },
            "wallet-progress");
    reporter.setDaemon(true);
    reporter.start();
    try {
      return run.run();
    } finally {
      reporter.interrupt();
    }
  }
}
