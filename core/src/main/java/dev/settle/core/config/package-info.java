/**
 * How a coordinator is configured: {@link dev.settle.core.config.CoordinatorBuilder}, which every
 * protocol's builder extends, and the immutable {@link dev.settle.core.config.CoordinatorSettings}
 * it builds. Above {@code dev.settle.core}, {@code core.event} and {@code core.log}, which it
 * names, and below {@code core.internal}, which reads the settings.
 */
@NullMarked
package dev.settle.core.config;

import org.jspecify.annotations.NullMarked;
