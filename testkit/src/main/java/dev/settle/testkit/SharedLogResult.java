package dev.settle.testkit;

/**
 * What a {@link SharedLogSimulation} run did; the invariants held (a run that breaks one throws).
 *
 * @param seed replays the run exactly
 * @param transactions transactions started
 * @param committed transactions that ended committed, by the log
 * @param rolledBack transactions that ended rolled back (or with no decision), by the log
 * @param crashes nodes that died
 * @param pauses nodes that froze for longer than their lease
 * @param clockJumps forward jumps of the database clock
 * @param lostCommitAnswers commits whose answer was lost (made or not), the node living on; the
 *     {@code execute} that met one fails with a {@link dev.settle.core.TransactionLogException}
 *     ("may or may not be stored"), not counted among {@code otherLogErrors}
 * @param concurrentClaims recoveries run while another node's claim held its rows
 * @param takeovers transactions that moved from one owner to another (claims and restarts)
 * @param refusedWrites appends refused because their node had lost the transaction ({@link
 *     dev.settle.core.OwnershipLostException}, escaping {@code execute} or {@code recover})
 * @param otherLogErrors other {@link dev.settle.core.TransactionLogException}s that escaped {@code
 *     execute} or {@code recover}: a conflicting decision, a write after the End, a lock held by a
 *     claim running at once (none, with the real log and the kit's scenarios, on the seeds tested)
 * @param recoveries recovery passes run
 * @param elapsedNanos real time the run took
 */
public record SharedLogResult(
    long seed,
    long transactions,
    long committed,
    long rolledBack,
    long crashes,
    long pauses,
    long clockJumps,
    long lostCommitAnswers,
    long concurrentClaims,
    long takeovers,
    long refusedWrites,
    long otherLogErrors,
    long recoveries,
    long elapsedNanos) {}
