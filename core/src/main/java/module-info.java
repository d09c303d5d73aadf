/**
 * Settle core: what every protocol shares. Identifiers, outcomes, the {@code Coordinator} and
 * {@code Participant} contracts, the coordinator's transaction log, retry policy and events.
 */
module dev.settle.core {
  requires transitive org.jspecify;
  requires org.slf4j;
  // JDBC stores are optional: a user without java.sql never loads them.
  requires static java.sql;

  exports dev.settle.core;
  exports dev.settle.core.spi;
  exports dev.settle.core.config;
  exports dev.settle.core.event;
  exports dev.settle.core.log;
  exports dev.settle.core.log.spi;
  // Shared machinery for the protocol modules only; users never see it.
  exports dev.settle.core.internal to
      dev.settle.twopc,
      dev.settle.tcc,
      dev.settle.saga,
      dev.settle.http;
  // The log's binary record format: for the JDBC log, which stores the same records, and the
  // testkit, which reads a shared log's rows to check it.
  exports dev.settle.core.log.internal to
      dev.settle.jdbc,
      dev.settle.testkit;
  exports dev.settle.core.internal.check to
      dev.settle.twopc,
      dev.settle.tcc,
      dev.settle.saga,
      dev.settle.http;
}
