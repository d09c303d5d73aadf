package dev.settle.http;

import dev.settle.core.spi.Participant;

/**
 * The participant side of a remote saga step: the local transaction a {@link RemoteSagaStep}
 * asks for, and its compensation. Served by a {@link ParticipantEndpoint}, which fences it: a
 * repeated action or compensation is a no-op, and an action that arrives after its compensation
 * (a late duplicate on the network) is refused without running.
 */
public interface StepService extends Participant {
  /** Runs the step's local transaction. Throw to refuse it; nothing may be applied then. */
  void action(StepCall call);

  /** Undoes the action. Only called for an action that ran; retried until it returns. */
  void compensate(StepCall call);
}
