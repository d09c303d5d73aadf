package dev.settle.twopc;

import dev.settle.twopc.spi.TwoPhaseParticipant;

import dev.settle.core.config.CoordinatorBuilder;
import dev.settle.core.internal.check.Assert;
import dev.settle.core.internal.Registry;
import dev.settle.twopc.internal.TwoPhaseCoordinatorImpl;
import java.time.Duration;

/**
 * Builds a {@link TwoPhaseCoordinator}. Beyond the shared settings: the participants recovery may
 * need (by {@linkplain TwoPhaseParticipant#name() name}) and the prepare timeout (default 5 s).
 */
public final class TwoPhaseCoordinatorBuilder
    extends CoordinatorBuilder<TwoPhaseCoordinatorBuilder> {
  private final Registry<TwoPhaseParticipant> participants = new Registry<>("participants");
  private Duration prepareTimeout = Duration.ofSeconds(5);

  TwoPhaseCoordinatorBuilder() {}

  /**
   * Registers a participant so recovery can finish its branches after a restart.
   *
   * @throws IllegalArgumentException if another participant has the same name
   */
  public TwoPhaseCoordinatorBuilder participant(TwoPhaseParticipant participant) {
    Registry.participant(participants, participant);
    return this;
  }

  /** How long prepare may take before the transaction aborts. */
  public TwoPhaseCoordinatorBuilder prepareTimeout(Duration prepareTimeout) {
    this.prepareTimeout = Assert.positive(prepareTimeout, "prepareTimeout");
    return this;
  }

  /** Builds the coordinator. */
  public TwoPhaseCoordinator build() {
    return new TwoPhaseCoordinatorImpl(settings(), participants.asMap(), prepareTimeout);
  }
}
