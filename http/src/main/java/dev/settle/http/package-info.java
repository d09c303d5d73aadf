/**
 * Remote participants over HTTP. Caller side: {@link dev.settle.http.RemoteTccParticipant} and
 * {@link dev.settle.http.RemoteSagaStep}, registered with a coordinator like local participants.
 * Participant side: {@link dev.settle.http.ParticipantEndpoint}, which fences the local participant
 * and maps its outcomes to statuses, served by {@link dev.settle.http.JdkHttpServerEndpoint} or by
 * any framework that can hand it a method, a path, headers and a body. {@link
 * dev.settle.http.WireFormat} documents what goes over the wire.
 */
@NullMarked
package dev.settle.http;

import org.jspecify.annotations.NullMarked;
