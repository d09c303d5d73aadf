package dev.settle.readme;

import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The "your code, written once" of the README's TCC examples (the same as the consumer project's): one storage node holding accounts A
 * (opened with 100) and C (opened with 0). The payload is "account:delta". Try moves a debit into
 * a reservation, Confirm makes it final, Cancel puts it back; the fence around it makes repeats
 * no-ops and refuses a Try that comes after its Cancel.
 */
final class AccountsShard implements TccParticipant {
  private static final Map<String, AccountsShard> OPENED = new ConcurrentHashMap<>();

  private final String name;
  private final Map<String, Long> available = new HashMap<>();
  private final Map<String, Long> reserved = new HashMap<>();

  /** Opens the shard's accounts. */
  public AccountsShard(String name) {
    this.name = name;
    available.put("A", 100L);
    available.put("C", 0L);
    OPENED.put(name, this);
  }

  /** The shard last opened under {@code name}, for checks. */
  public static AccountsShard opened(String name) {
    return OPENED.get(name);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized void tryReserve(TccContext context) {
    String account = account(context);
    long delta = delta(context);
    if (delta < 0) {
      if (available.get(account) < -delta) {
        throw new IllegalStateException("insufficient funds in " + account);
      }
      available.merge(account, delta, Long::sum);
      reserved.merge(account, -delta, Long::sum);
    }
  }

  @Override
  public synchronized void confirm(TccContext context) {
    String account = account(context);
    long delta = delta(context);
    if (delta < 0) {
      reserved.merge(account, delta, Long::sum);
    } else {
      available.merge(account, delta, Long::sum);
    }
  }

  @Override
  public synchronized void cancel(TccContext context) {
    String account = account(context);
    long delta = delta(context);
    if (delta < 0) {
      reserved.merge(account, delta, Long::sum);
      available.merge(account, -delta, Long::sum);
    }
  }

  /** What {@code account} can spend. */
  public synchronized long balance(String account) {
    return available.get(account);
  }

  /** Everything the shard holds, reservations included. */
  public synchronized long total() {
    return available.values().stream().mapToLong(Long::longValue).sum() + reserved();
  }

  /** What is reserved and neither confirmed nor cancelled yet. */
  public synchronized long reserved() {
    return reserved.values().stream().mapToLong(Long::longValue).sum();
  }

  private static String account(TccContext context) {
    return new String(context.payload(), StandardCharsets.UTF_8).split(":")[0];
  }

  private static long delta(TccContext context) {
    return Long.parseLong(new String(context.payload(), StandardCharsets.UTF_8).split(":")[1]);
  }
}
