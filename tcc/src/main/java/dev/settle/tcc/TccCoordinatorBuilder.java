package dev.settle.tcc;

import dev.settle.core.CoordinatorBuilder;
import dev.settle.core.internal.Assert;
import dev.settle.core.internal.ParticipantNames;
import dev.settle.tcc.internal.TccCoordinatorImpl;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a {@link TccCoordinator}. Beyond the shared settings: the participants recovery may need
 * (by {@linkplain TccParticipant#name() name}), the per-branch Try timeout (default 5 s) and the
 * transaction timeout that sets every Try's deadline (default 30 s).
 */
public final class TccCoordinatorBuilder extends CoordinatorBuilder<TccCoordinatorBuilder> {
  private final Map<String, TccParticipant> participants = new LinkedHashMap<>();
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
    Assert.notNull(participant, "participant");
    String name = ParticipantNames.of(participant, "registered with the coordinator");
    TccParticipant previous = participants.putIfAbsent(name, participant);
    Assert.isTrue(
        previous == null || previous == participant,
        "two participants are named \"" + name + "\"; names must be unique");
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
    return new TccCoordinatorImpl(settings(), participants, tryTimeout, transactionTimeout);
  }
}
