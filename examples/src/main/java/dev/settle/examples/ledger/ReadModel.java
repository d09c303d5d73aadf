package dev.settle.examples.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * The read side (CQRS): a projection that consumes the same events into a state-history store and
 * answers queries without replaying. It catches up when told to, so its lag behind the log is
 * visible.
 */
public final class ReadModel {
  /**
   * One point in an account's history.
   *
   * @param timeMillis when the balance became this
   * @param eventIndex the event that made it so
   * @param balance the balance from then on
   */
  public record Point(long timeMillis, int eventIndex, long balance) {}

  private final EventLog log;
  private final List<List<Point>> history = new ArrayList<>();
  private int cursor;

  /** A projection of {@code log}, empty until it catches up. */
  public ReadModel(EventLog log) {
    this.log = log;
  }

  /** Consumes up to {@code max} new events; returns how many. */
  public int catchUp(int max) {
    int end = Math.min(log.size(), cursor + max);
    int consumed = end - cursor;
    for (; cursor < end; cursor++) {
      LedgerEvent event = log.get(cursor);
      if (event instanceof LedgerEvent.AccountOpened o) {
        List<Point> points = new ArrayList<>();
        points.add(new Point(o.timeMillis(), cursor, o.cents()));
        history.add(points);
      } else if (event instanceof LedgerEvent.MoneyMoved m) {
        record(m.from(), -m.cents(), m.timeMillis());
        record(m.to(), m.cents(), m.timeMillis());
      }
    }
    return consumed;
  }

  private void record(int account, long delta, long time) {
    List<Point> points = history.get(account);
    long before = points.get(points.size() - 1).balance();
    points.add(new Point(time, cursor, before + delta));
  }

  /** Events in the log that this projection has not consumed yet. */
  public int lag() {
    return log.size() - cursor;
  }

  /** The balance of account number {@code account} at {@code timeMillis}, as far as consumed. */
  public long balanceAt(int account, long timeMillis) {
    if (account < 0 || account >= history.size()) {
      throw new IllegalArgumentException("no account number " + account + " in the read model");
    }
    List<Point> points = history.get(account);
    int lo = 0;
    int hi = points.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (points.get(mid).timeMillis() <= timeMillis) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo == 0) {
      throw new IllegalArgumentException("account " + account + " did not exist at " + timeMillis);
    }
    return points.get(lo - 1).balance();
  }

  /** Every change of account number {@code account}, oldest first. */
  public List<Point> history(int account) {
    return List.copyOf(history.get(account));
  }
}
