package dev.settle.micrometer;

import dev.settle.core.Coordinator;
import dev.settle.core.event.TransactionListener;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.micrometer.internal.BranchCallMeters;
import dev.settle.micrometer.internal.BranchCallObservations;
import dev.settle.micrometer.internal.MeteredCoordinator;
import dev.settle.micrometer.internal.MeteredLog;
import dev.settle.micrometer.internal.ObservedCoordinator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;

/**
 * Binds Settle to a Micrometer {@link MeterRegistry}. Three pieces, each optional:
 *
 * <pre>{@code
 * TransactionLog log = SettleMetrics.log(FileTransactionLog.open(dir), registry);
 * TccCoordinator tcc = TccCoordinator.builder()
 *     .log(log)
 *     .listener(SettleMetrics.listener("tcc", registry))
 *     .build();
 * Coordinator<TccTransaction> metered = SettleMetrics.coordinator(tcc, "tcc", registry);
 * }</pre>
 *
 * <p>Meters (tags in brackets; never a transaction or branch id):
 *
 * <ul>
 *   <li>{@code settle.transactions}: timer of {@code execute} [protocol, outcome: committed,
 *       rolled_back, mixed, in_doubt or error, cause: a {@link dev.settle.core.FailureKind} in
 *       lower case or none]
 *   <li>{@code settle.transactions.active}: gauge of {@code execute} calls running [protocol]
 *   <li>{@code settle.transactions.in.doubt}: gauge of transactions this coordinator reported in
 *       doubt and has not yet seen finished [protocol]
 *   <li>{@code settle.recovery.transactions}: counter of transactions recovery picked up, counted
 *       once each stands [protocol, origin: resumed or taken_over, outcome] (from the listener)
 *   <li>{@code settle.branch.calls}: timer of phase-one calls (prepare, Try, saga action)
 *       [protocol, phase, participant, result: ok or failed]; counter-like for phase two, whose events carry no
 *       start: {@code settle.branch.phase.two} [protocol, result: committed, rolled_back,
 *       in_doubt, heuristic]
 *   <li>{@code settle.branch.retries}: counter of phase-two retries [protocol]
 *   <li>{@code settle.log.append}: timer of log appends [forced: true or false]
 *   <li>{@code settle.log.batch.size}: distribution of records per append
 * </ul>
 */
public final class SettleMetrics {
  private SettleMetrics() {}

  /**
   * {@code coordinator} with its {@code execute} and {@code recover} metered; everything else is
   * passed through. Closing the returned coordinator closes {@code coordinator}.
   *
   * @param protocol the protocol tag ("2pc", "tcc", "saga", or any short name of your own)
   */
  public static <T> Coordinator<T> coordinator(Coordinator<T> coordinator, String protocol, MeterRegistry registry) {
    return new MeteredCoordinator<>(
        Objects.requireNonNull(coordinator, "coordinator"), checked(protocol), Objects.requireNonNull(registry, "registry"));
  }

  /**
   * A listener that meters branch calls and retries from a coordinator's events; register it on
   * the coordinator's builder. It keeps the start of each phase-one call in progress, nothing else.
   */
  public static TransactionListener listener(String protocol, MeterRegistry registry) {
    return new BranchCallMeters(checked(protocol), Objects.requireNonNull(registry, "registry"));
  }

  /**
   * {@code coordinator} with each {@code execute} inside a {@code settle.transaction} observation
   * (Micrometer's Observation API: a span when a tracing bridge such as OpenTelemetry's is on the
   * registry) and each {@code recover} inside {@code settle.recovery}. Low-cardinality keys:
   * protocol, outcome, cause; high-cardinality: {@code transaction.id}.
   */
  public static <T> Coordinator<T> observed(Coordinator<T> coordinator, String protocol, ObservationRegistry registry) {
    return new ObservedCoordinator<>(
        Objects.requireNonNull(coordinator, "coordinator"), checked(protocol), Objects.requireNonNull(registry, "registry"));
  }

  /**
   * A listener that observes each phase-one call ({@code settle.branch.call}, child of the
   * transaction's observation; keys protocol and result, high-cardinality transaction and branch
   * ids). Register it on the coordinator's builder.
   */
  public static TransactionListener observingListener(String protocol, ObservationRegistry registry) {
    return new BranchCallObservations(checked(protocol), Objects.requireNonNull(registry, "registry"));
  }

  /** {@code log} with its appends metered; every other call passes through. */
  public static TransactionLog log(TransactionLog log, MeterRegistry registry) {
    return new MeteredLog(Objects.requireNonNull(log, "log"), Objects.requireNonNull(registry, "registry"));
  }

  private static String checked(String protocol) {
    Objects.requireNonNull(protocol, "protocol");
    if (protocol.isBlank() || protocol.length() > 32) {
      throw new IllegalArgumentException(
          "protocol must be a short tag value (1 to 32 characters), was \"" + protocol + "\"");
    }
    return protocol;
  }
}
