package dev.settle.tcc;

import dev.settle.tcc.spi.TccParticipant;

import dev.settle.core.config.CoordinatorBuilder;
import dev.settle.core.internal.check.Assert;
import dev.settle.core.internal.Registry;
import dev.settle.tcc.internal.TccCoordinatorImpl;
import java.time.Duration;

/**
 * Builds a {@link TccCoordinator}. Beyond the shared settings: the participants recovery may need
 * (by {@linkplain TccParticipant#name() name}), the per-branch Try timeout (default 5 s) and the
 * transaction timeout that sets every Try's deadline (default 30 s).
 */
public final class TccCoordinatorBuilder extends CoordinatorBuilder<TccCoordinatorBuilder> {
  private final Registry<TccParticipant> participants = new Registry<>("participants");
  private Duration tryTimeout = Duration.ofSeconds(5);
  private Duration transactionTimeout = Duration.ofSeconds(30);

  TccCoordinatorBuilder() {}

  /**
   * Registers a participant so that recovery can finish its branches after a restart.
   *
   * @throws IllegalArgumentException if another participant has the same name, or its name is
   *     blank
   */
  public TccCoordinatorBuilder participant(TccParticipant participant) {
    Registry.participant(participants, participant);
    return this;
  }

  /** How long one Try may take before its outcome counts as unknown and the transaction cancels. */
  public TccCoordinatorBuilder tryTimeout(Duration tryTimeout) {
    this.tryTimeout = Assert.positive(tryTimeout, "tryTimeout");
    return this;
  }

  /** From the start of a transaction to the deadline after which no Try may be accepted. */
  public TccCoordinatorBuilder transactionTimeout(Duration transactionTimeout) {
    this.transactionTimeout = Assert.positive(transactionTimeout, "transactionTimeout");
    return this;
  }

  /** Builds the coordinator. */
  public TccCoordinator build() {
    Assert.isTrue(
        tryTimeout.compareTo(transactionTimeout) <= 0,
        "tryTimeout " + tryTimeout + " must not exceed transactionTimeout " + transactionTimeout);
    return new TccCoordinatorImpl(settings(), participants.asMap(), tryTimeout, transactionTimeout);
  }
}
