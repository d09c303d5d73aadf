package dev.settle.micrometer.internal;

import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.ForwardingTransactionLog;
import dev.settle.core.log.spi.TransactionLog;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;

/**
 * A log whose appends are timed and sized. Claims go to the wrapped log, so two coordinators on
 * the same log are still kept apart whichever of them is metered.
 */
public final class MeteredLog extends ForwardingTransactionLog {
  private final Timer forced;
  private final Timer unforced;
  private final DistributionSummary batch;

  public MeteredLog(TransactionLog delegate, MeterRegistry registry) {
    super(delegate);
    this.forced = appendTimer(registry, "true");
    this.unforced = appendTimer(registry, "false");
    this.batch =
        DistributionSummary.builder("settle.log.batch.size")
            .description("records per log append")
            .baseUnit("records")
            .register(registry);
  }

  private static Timer appendTimer(MeterRegistry registry, String forced) {
    return Timer.builder("settle.log.append")
        .description("log appends, forced to disk or not")
        .tag("forced", forced)
        .register(registry);
  }

  @Override
  public void append(List<LogRecord> records, boolean force) {
    batch.record(records.size());
    (force ? forced : unforced).record(() -> delegate().append(records, force));
  }

  @Override
  public String toString() {
    return "Metered" + delegate();
  }
}
