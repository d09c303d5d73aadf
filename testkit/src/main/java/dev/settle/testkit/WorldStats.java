package dev.settle.testkit;

/**
 * The faults a run injected around the participant calls, and how the system answered.
 *
 * @param interrupts transactions whose caller was interrupted
 * @param listenerErrors errors thrown by the world's listener
 * @param reusedIds transaction ids handed out a second time
 * @param refusals {@code execute} calls refused with a {@link dev.settle.core.SettleException}
 *     (allowed for an interrupted caller or a reused id)
 * @param rivalRecoveries second coordinators that ran {@code recover()} on the log
 * @param rivalsRefused of those, the ones refused with a {@link dev.settle.core.SettleException}
 * @param logDamages crashes after which the file log was damaged
 * @param damagedOpensRefused damaged logs that refused to open (then restored and reopened)
 */
public record WorldStats(
    long interrupts,
    long listenerErrors,
    long reusedIds,
    long refusals,
    long rivalRecoveries,
    long rivalsRefused,
    long logDamages,
    long damagedOpensRefused) {}
