package dev.settle.http.internal;

import dev.settle.http.JdbcStepService;
import dev.settle.http.StepCall;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.fence.JdbcTccParticipant;
import java.sql.Connection;
import java.sql.SQLException;

/** A JDBC saga step seen as a JDBC TCC participant, for the JDBC fence; see {@link StepAdapter}. */
public final class JdbcStepAdapter implements JdbcTccParticipant {
  private final JdbcStepService service;

  /** Adapts {@code service}; the name is kept. */
  public JdbcStepAdapter(JdbcStepService service) {
    this.service = service;
  }

  @Override
  public String name() {
    return service.name();
  }

  @Override
  public void tryReserve(Connection c, TccContext ctx) throws SQLException {
    service.action(c, call(ctx));
  }

  @Override
  public void confirm(Connection c, TccContext ctx) {
    throw new IllegalStateException("a saga step has no confirm");
  }

  @Override
  public void cancel(Connection c, TccContext ctx) throws SQLException {
    service.compensate(c, call(ctx));
  }

  private static StepCall call(TccContext c) {
    return new StepCall(c.transactionId(), c.branchId(), c.payload(), c.attempt(), c.deadline());
  }
}
