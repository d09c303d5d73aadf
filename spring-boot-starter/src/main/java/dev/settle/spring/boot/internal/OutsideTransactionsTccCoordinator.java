package dev.settle.spring.boot.internal;

import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.TccTransaction;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The starter's TCC coordinator: the coordinator itself, plus a warning (once) when {@code
 * execute} is called inside a Spring-managed transaction. Each branch runs in a transaction of its
 * own, on another connection, and commits on its own: a branch that needs a row the caller's
 * transaction has locked waits until the call times out (and ends in doubt), and nothing the
 * caller wrote before is visible to it. The caller's transaction rolling back does not undo a
 * committed transfer either.
 */
public final class OutsideTransactionsTccCoordinator implements TccCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger("dev.settle.tcc");

  private final TccCoordinator coordinator;
  private final AtomicBoolean warned = new AtomicBoolean();

  public OutsideTransactionsTccCoordinator(TccCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public Outcome execute(TccTransaction transaction) {
    if (TransactionSynchronizationManager.isActualTransactionActive() && warned.compareAndSet(false, true)) {
      LOG.warn(
          "TccCoordinator.execute was called inside a Spring-managed transaction ({}). Each branch"
              + " commits in a transaction of its own on another connection: it cannot see what"
              + " this transaction wrote, waits (until the call times out) for rows it has locked,"
              + " and stays committed if this transaction rolls back. Call execute outside"
              + " @Transactional methods. (Logged once.)",
          TransactionSynchronizationManager.getCurrentTransactionName());
    }
    return coordinator.execute(transaction);
  }

  @Override
  public List<Outcome> recover() {
    return coordinator.recover();
  }

  @Override
  public Optional<Decision> decisionFor(TransactionId transactionId) {
    return coordinator.decisionFor(transactionId);
  }

  @Override
  public void close() {
    coordinator.close();
  }

  @Override
  public String toString() {
    return coordinator.toString();
  }
}
