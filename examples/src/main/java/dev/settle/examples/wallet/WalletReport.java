package dev.settle.examples.wallet;

import dev.settle.testkit.FaultStats;

/**
 * What a wallet run did and whether it kept every invariant.
 *
 * @param protocol the protocol
 * @param transfers transfers attempted
 * @param committed transfers that moved money
 * @param rolledBack transfers that moved nothing (refused, aborted, compensated, or lost with the
 *     coordinator before they were logged)
 * @param inDoubt transfers not finished after recovery (must be 0)
 * @param totalBefore cents in all accounts before
 * @param totalAfter cents in all accounts after (must equal totalBefore)
 * @param negativeBalances accounts below zero (must be 0)
 * @param hangingReservations reservations or prepared branches left (must be 0)
 * @param crashes coordinator crashes
 * @param recoveries recovery passes
 * @param faults injected faults
 * @param elapsedMillis wall time
 * @param recovered transactions finished by recovery passes
 */
public record WalletReport(
    String protocol,
    long transfers,
    long committed,
    long rolledBack,
    long inDoubt,
    long totalBefore,
    long totalAfter,
    long negativeBalances,
    long hangingReservations,
    long crashes,
    long recoveries,
    FaultStats faults,
    long elapsedMillis,
    long recovered) {

  /** Whether every invariant of the design held. */
  public boolean invariantsHold() {
    return inDoubt == 0 && totalBefore == totalAfter && negativeBalances == 0 && hangingReservations == 0;
  }

  /** Transfers per second of wall time. */
  public double transfersPerSecond() {
    return elapsedMillis == 0 ? transfers * 1000.0 : transfers * 1000.0 / elapsedMillis;
  }

  /** The one-line JSON form the CLI prints. */
  public String toJson() {
    return "{\"protocol\":\"" + protocol + "\",\"transfers\":" + transfers
        + ",\"committed\":" + committed + ",\"rolledBack\":" + rolledBack
        + ",\"inDoubt\":" + inDoubt + ",\"totalBefore\":" + totalBefore
        + ",\"totalAfter\":" + totalAfter + ",\"negativeBalances\":" + negativeBalances
        + ",\"hangingReservations\":" + hangingReservations + ",\"crashes\":" + crashes
        + ",\"recoveries\":" + recoveries + ",\"faults\":{\"failed\":" + faults.failed()
        + ",\"timedOut\":" + faults.timedOut() + ",\"duplicated\":" + faults.duplicated()
        + ",\"delayed\":" + faults.delayed() + ",\"cancelBeforeTry\":" + faults.cancelBeforeTry()
        + ",\"restarts\":" + faults.restarts() + "},\"elapsedMillis\":" + elapsedMillis
        + ",\"transfersPerSecond\":" + Math.round(transfersPerSecond())
        + ",\"recovered\":" + recovered + "}";
  }
}
