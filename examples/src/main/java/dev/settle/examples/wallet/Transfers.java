package dev.settle.examples.wallet;

import dev.settle.core.Coordinator;
import dev.settle.core.event.TransactionListener;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.testkit.Faults;
import dev.settle.testkit.World;

/**
 * Moving money with one protocol: builds the coordinator (again after every crash) and turns a
 * transfer into that protocol's transaction.
 *
 * @param <T> the protocol's transaction type
 */
public interface Transfers<T> {
  /** A coordinator on {@code log}, with every shard registered for recovery. */
  Coordinator<T> coordinator(World world, TransactionLog log, TransactionListener listener);

  /** The transaction that moves {@code cents} from {@code from} to {@code to}. */
  T transfer(String from, String to, long cents);

  /** Cents or branches still held once every transaction has finished; zero when healthy. */
  long hangingReservations();

  /** The wiring for {@code protocol} over {@code bank}, with calls passing through {@code faults}. */
  static Transfers<?> of(Protocol protocol, Bank bank, Faults faults, World world) {
    return switch (protocol) {
      case TWO_PC -> new TwoPhaseTransfers(bank, faults);
      case TCC -> new TccTransfers(bank, faults, world);
      case SAGA -> new SagaTransfers(bank, faults);
    };
  }
}
