/**
 * Faults on a real network: {@link dev.settle.testkit.http.FaultProxy}, a loopback HTTP proxy
 * that loses, delays and repeats the calls between a coordinator and a remote participant.
 */
@NullMarked
package dev.settle.testkit.http;

import org.jspecify.annotations.NullMarked;
