package dev.settle.core.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logger names operators configure: everything a coordinator logs about its transactions
 * (in doubt, heuristic, quarantined, recovery summaries, listener failures) goes to its
 * protocol's logger, {@code dev.settle.twopc}, {@code dev.settle.tcc} or {@code dev.settle.saga},
 * whichever shared class of core does the work. The names are the protocol modules' packages, so
 * a level set on one also covers that module's own classes (its fences, its XA recovery).
 */
public final class ProtocolLoggers {
  private ProtocolLoggers() {}

  /** The logger name for {@code protocol} ("2pc", "tcc", "saga", or any other). */
  public static String name(String protocol) {
    return "dev.settle." + ("2pc".equals(protocol) ? "twopc" : protocol);
  }

  /** The logger for {@code protocol}'s transactions. */
  public static Logger of(String protocol) {
    return LoggerFactory.getLogger(name(protocol));
  }
}
