package dev.settle.spring.boot;

import dev.settle.tcc.spi.TccParticipant;

/**
 * Puts a {@link TransactionalTccParticipant} behind the JDBC fence. The starter defines one when
 * the application has a {@code DataSource} and a {@code PlatformTransactionManager}; define your
 * own bean to fence differently (another data source, another table).
 */
@FunctionalInterface
public interface FencedParticipants {
  /** {@code participant} as a TCC participant whose every call is fenced. */
  TccParticipant protect(TransactionalTccParticipant participant);
}
