package dev.settle.twopc;

import dev.settle.core.CoordinatorBuilder;
import dev.settle.core.internal.Assert;
import dev.settle.core.internal.ParticipantNames;
import dev.settle.twopc.internal.TwoPhaseCoordinatorImpl;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a {@link TwoPhaseCoordinator}. Beyond the shared settings: the participants recovery may
 * need (by {@linkplain TwoPhaseParticipant#name() name}) and the prepare timeout (default 5 s).
 */
public final class TwoPhaseCoordinatorBuilder
    extends CoordinatorBuilder<TwoPhaseCoordinatorBuilder> {
  private final Map<String, TwoPhaseParticipant> participants = new LinkedHashMap<>();
  private Duration prepareTimeout = Duration.ofSeconds(5);

  TwoPhaseCoordinatorBuilder() {}

  /**
   * Registers a participant so recovery can finish its branches after a restart.
   *
   * @throws IllegalArgumentException if another participant has the same name
   */
  public TwoPhaseCoordinatorBuilder participant(TwoPhaseParticipant participant) {
    Assert.notNull(participant, "participant");
    String name = ParticipantNames.of(participant, "registered with the coordinator");
    TwoPhaseParticipant previous = participants.putIfAbsent(name, participant);
    Assert.isTrue(
        previous == null || previous == participant,
        "two participants are named \"" + name + "\"; names must be unique");
    return this;
  }

  /** How long prepare may take before the transaction aborts. */
  public TwoPhaseCoordinatorBuilder prepareTimeout(Duration prepareTimeout) {
    this.prepareTimeout = Assert.positive(prepareTimeout, "prepareTimeout");
    return this;
  }

  /** Builds the coordinator. */
  public TwoPhaseCoordinator build() {
    return new TwoPhaseCoordinatorImpl(settings(), participants, prepareTimeout);
  }
}
