/**
 * The wallet as separate processes over HTTP: each shard an H2 file database behind a {@link
 * dev.settle.http.ParticipantEndpoint} with the JDBC fence ({@link
 * dev.settle.examples.remote.ShardNode}), and a coordinator process that drives TCC or saga
 * transfers against them through {@link dev.settle.http.RemoteTccParticipant} and {@link
 * dev.settle.http.RemoteSagaStep}, with its log in a file ({@link
 * dev.settle.examples.remote.RemoteWallet}).
 */
@NullMarked
package dev.settle.examples.remote;

import org.jspecify.annotations.NullMarked;
