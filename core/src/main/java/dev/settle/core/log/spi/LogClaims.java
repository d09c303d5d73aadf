package dev.settle.core.log.spi;

import dev.settle.core.LogClaimedException;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The claims on every log object in this process, behind {@link TransactionLog#claim}'s default:
 * one holder per protocol per log object. Kept here rather than in each log so that every log,
 * a user's own included, gets the rule without writing a line; a log built for several
 * coordinators overrides {@link TransactionLog#claim} instead.
 */
final class LogClaims {
  /** Weak keys: a dropped log takes its claims with it. Values never refer to their key. */
  private static final Map<TransactionLog, Map<String, Held>> CLAIMS = new WeakHashMap<>();

  private LogClaims() {}

  static LogClaim claim(TransactionLog log, String protocol, String owner) {
    synchronized (CLAIMS) {
      Map<String, Held> byProtocol = CLAIMS.computeIfAbsent(log, l -> new HashMap<>());
      Held holder = byProtocol.get(protocol);
      if (holder != null) {
        throw new LogClaimedException(
            "this transaction log ("
                + log
                + ") already serves a "
                + protocol
                + " coordinator ("
                + holder.owner()
                + "); a log serves one coordinator per protocol, or two would recover each"
                + " other's running transactions and log contradicting decisions. Give each"
                + " coordinator its own log, reuse the one coordinator, close() it before building"
                + " its successor, or use a shared log built for several coordinators.");
      }
      Held claim = new Held(log, protocol, owner);
      byProtocol.put(protocol, claim);
      return claim;
    }
  }

  /** One claim; refers to its log weakly, so that a held claim does not keep a dropped log alive. */
  private static final class Held implements LogClaim {
    private final WeakReference<TransactionLog> log;
    private final String protocol;
    private final String owner;

    Held(TransactionLog log, String protocol, String owner) {
      this.log = new WeakReference<>(log);
      this.protocol = protocol;
      this.owner = owner;
    }

    @Override
    public String protocol() {
      return protocol;
    }

    @Override
    public String owner() {
      return owner;
    }

    @Override
    public void release() {
      synchronized (CLAIMS) {
        TransactionLog held = log.get();
        Map<String, Held> byProtocol = held == null ? null : CLAIMS.get(held);
        if (byProtocol != null && byProtocol.get(protocol) == this) {
          byProtocol.remove(protocol);
        }
      }
    }

    @Override
    public String toString() {
      return "LogClaim[" + protocol + " by " + owner + "]";
    }
  }
}
