package dev.settle.http.internal;

import dev.settle.http.StepCall;
import dev.settle.http.StepService;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;

/**
 * A saga step service seen as a TCC participant, so the TCC fence can guard it: the action is the
 * Try (a repeat is skipped, one arriving after its compensation is refused) and the compensation
 * is the Cancel (a no-op that leaves the flag when the action never ran). Confirm is never routed.
 */
public final class StepAdapter implements TccParticipant {
  private final StepService service;

  /** Adapts {@code service}; the name is kept. */
  public StepAdapter(StepService service) {
    this.service = service;
  }

  @Override
  public String name() {
    return service.name();
  }

  @Override
  public void tryReserve(TccContext c) {
    service.action(call(c));
  }

  @Override
  public void confirm(TccContext c) {
    throw new IllegalStateException("a saga step has no confirm");
  }

  @Override
  public void cancel(TccContext c) {
    service.compensate(call(c));
  }

  private static StepCall call(TccContext c) {
    return new StepCall(c.transactionId(), c.branchId(), c.payload(), c.attempt(), c.deadline());
  }

  @Override
  public String toString() {
    return "step service " + service;
  }
}
