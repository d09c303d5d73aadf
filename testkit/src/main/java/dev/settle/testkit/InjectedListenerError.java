package dev.settle.testkit;

/**
 * The error the world's listener throws when a {@linkplain FaultPlan#listenerError() listener
 * error} strikes. It must never leave {@code execute} or {@code recover}: a simulation that sees
 * one escape fails.
 */
public final class InjectedListenerError extends AssertionError {
  private static final long serialVersionUID = 1L;

  InjectedListenerError(String event) {
    super("injected listener error at " + event);
  }
}
