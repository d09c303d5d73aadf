package dev.settle.core;

import java.time.Duration;

/**
 * The settings of a {@link RetryPolicy}: exponential backoff with jitter, a cap on attempts and a
 * cap on total time. Built only through {@link RetryPolicyBuilder}, which validates every field.
 *
 * @param maxAttempts how many attempts in all, the first included (at least 1)
 * @param baseDelay the delay before the second attempt, before jitter
 * @param maxDelay no single delay is longer
 * @param multiplier each delay is the previous one times this (at least 1)
 * @param jitter the fraction of each delay drawn at random, from 0 (none) to 1 (a delay anywhere
 *     between 0 and its full length)
 * @param maxDuration no retry is started after this much time since the first attempt
 */
public record RetryPolicyConfig(
    int maxAttempts,
    Duration baseDelay,
    Duration maxDelay,
    double multiplier,
    double jitter,
    Duration maxDuration) {}
