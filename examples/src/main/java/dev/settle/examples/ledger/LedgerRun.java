package dev.settle.examples.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A ledger run for the CLI: random commands (some invalid on purpose), processed; then the
 * history is replayed and checked against what the live state was at sampled points, and against
 * the read model.
 */
public final class LedgerRun {
  /**
   * What the run found.
   *
   * @param commands commands submitted
   * @param events events in the log (account openings included)
   * @param rejected commands rejected
   * @param replayMatches whether replay (with snapshots, and from scratch) rebuilt the live state
   * @param readModelMatches whether the read model answered every sampled point like the live history
   * @param historicalChecks sampled (account, time) points checked
   * @param commandsPerSecond processing speed
   * @param replayEventsPerSecond replay speed, from scratch
   */
  public record Report(
      long commands,
      long events,
      long rejected,
      boolean replayMatches,
      boolean readModelMatches,
      long historicalChecks,
      long commandsPerSecond,
      long replayEventsPerSecond) {
    /** The one-line JSON form. */
    public String toJson() {
      return "{\"commands\":" + commands + ",\"events\":" + events + ",\"rejected\":" + rejected
          + ",\"replayMatches\":" + replayMatches + ",\"readModelMatches\":" + readModelMatches
          + ",\"historicalChecks\":" + historicalChecks + ",\"commandsPerSecond\":" + commandsPerSecond
          + ",\"replayEventsPerSecond\":" + replayEventsPerSecond + "}";
    }
  }

  private record Sample(int account, long timeMillis, int eventCount, long balance) {}

  private LedgerRun() {}

  /** Runs {@code commands} random commands over {@code accounts} accounts. */
  public static Report run(int accounts, int commands, int snapshotEvery, long seed) {
    if (accounts < 2) {
      throw new IllegalArgumentException("--accounts must be at least 2, was " + accounts);
    }
    if (commands < 0) {
      throw new IllegalArgumentException("--commands must not be negative, was " + commands);
    }
    Random random = new Random(seed);
    EventLog log = new EventLog(snapshotEvery);
    Ledger ledger = new Ledger(log);
    long time = 1_700_000_000_000L;
    for (int a = 0; a < accounts; a++) {
      ledger.open("a" + a, 10_000, time);
    }
    List<Sample> samples = new ArrayList<>();
    int sampleEvery = Math.max(1, commands / 1_000);
    long started = System.nanoTime();
    int batch = 1_024;
    for (int i = 0; i < commands; i++) {
      time += 1;
      ledger.submit(randomCommand(random, accounts, time));
      if ((i + 1) % batch == 0 || i == commands - 1) {
        ledger.processAll();
      }
      if (i % sampleEvery == 0) {
        ledger.processAll();
        int account = random.nextInt(accounts);
        samples.add(new Sample(account, time, log.size(), ledger.state().balance(account)));
      }
    }
    long processNanos = System.nanoTime() - started;

    long replayStart = System.nanoTime();
    LedgerState scratch = log.replayFromScratch();
    long replayNanos = System.nanoTime() - replayStart;
    boolean replayMatches = scratch.sameBalances(ledger.state()) && log.replay(log.size()).sameBalances(ledger.state());

    ReadModel readModel = new ReadModel(log);
    while (readModel.lag() > 0) {
      readModel.catchUp(4_096);
    }
    boolean readModelMatches = true;
    for (Sample s : samples) {
      replayMatches &= log.replay(s.eventCount()).balance(s.account()) == s.balance();
      replayMatches &= log.replayUntil(s.timeMillis()).balance(s.account()) == s.balance();
      readModelMatches &= readModel.balanceAt(s.account(), s.timeMillis()) == s.balance();
    }
    return new Report(
        commands,
        log.size(),
        ledger.rejections().size(),
        replayMatches,
        readModelMatches,
        samples.size(),
        perSecond(commands, processNanos),
        perSecond(log.size(), replayNanos));
  }

  private static TransferCommand randomCommand(Random random, int accounts, long time) {
    int kind = random.nextInt(100);
    String from = "a" + random.nextInt(accounts);
    String to = "a" + random.nextInt(accounts);
    long cents = 1 + random.nextInt(3_000);
    if (kind == 0) {
      to = "nobody"; // unknown account
    } else if (kind == 1) {
      cents = -cents; // non-positive amount
    } else if (kind == 2) {
      to = from; // same account
    }
    return new TransferCommand(from, to, cents, time);
  }

  private static long perSecond(long count, long nanos) {
    return nanos <= 0 ? count : Math.round(count * 1e9 / nanos);
  }
}
