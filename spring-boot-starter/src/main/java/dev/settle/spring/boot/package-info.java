/**
 * Spring Boot auto-configuration for Settle: {@link dev.settle.spring.boot.SettleAutoConfiguration}
 * builds the transaction log and the coordinators from {@link
 * dev.settle.spring.boot.SettleProperties} ({@code settle.*}), registers participants found as
 * beans, recovers at start-up and on a schedule ({@link dev.settle.spring.boot.SettleRecovery}),
 * runs {@link dev.settle.spring.boot.TransactionalTccParticipant}s inside Spring-managed local
 * transactions together with their fence rows, and reports to Actuator ({@link
 * dev.settle.spring.boot.SettleHealthIndicator}, {@link dev.settle.spring.boot.SettleEndpoint}).
 * Every bean backs off when the application defines its own.
 */
@NullMarked
package dev.settle.spring.boot;

import org.jspecify.annotations.NullMarked;
