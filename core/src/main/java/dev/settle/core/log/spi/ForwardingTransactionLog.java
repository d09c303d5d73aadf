package dev.settle.core.log.spi;

import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.check.Assert;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A log that passes every call to another one: extend it to watch or change a few calls (meter
 * appends, inject a fault) and inherit the rest, including whatever {@link TransactionLog} gains
 * later, so that no wrapper silently falls back to a default (a wrapper that did not pass {@link
 * #replayHistory} on would hide the wrapped file log's history; one that did not pass {@link
 * #claim} on would let two coordinators share a log).
 *
 * <p><b>Thread safety.</b> As thread-safe as the wrapped log.
 */
public abstract class ForwardingTransactionLog implements TransactionLog {
  private final TransactionLog delegate;

  /** Passes every call to {@code delegate}. */
  protected ForwardingTransactionLog(TransactionLog delegate) {
    this.delegate = Assert.notNull(delegate, "delegate");
  }

  /** The wrapped log. */
  public final TransactionLog delegate() {
    return delegate;
  }

  @Override
  public void append(List<LogRecord> records, boolean force) {
    delegate.append(records, force);
  }

  @Override
  public void replay(Consumer<LogRecord> sink) {
    delegate.replay(sink);
  }

  @Override
  public void replayHistory(Consumer<LogRecord> sink) {
    delegate.replayHistory(sink);
  }

  @Override
  public LogClaim claim(String protocol, String owner) {
    return delegate.claim(protocol, owner);
  }

  @Override
  public boolean replaysEveryTransaction() {
    return delegate.replaysEveryTransaction();
  }

  @Override
  public Optional<Decision> decision(TransactionId transactionId) {
    return delegate.decision(transactionId);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
