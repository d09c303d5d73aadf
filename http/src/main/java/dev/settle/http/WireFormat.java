package dev.settle.http;

import java.util.List;

/**
 * The wire contract between a remote caller ({@link RemoteTccParticipant}, {@link RemoteSagaStep})
 * and a {@link ParticipantEndpoint}, version {@value #VERSION}.
 *
 * <p><b>Request.</b> {@code POST {base}/{try|confirm|cancel|action|compensate}}, where {@code
 * base} names one participant or step on the endpoint ({@code http://host:port/settle/shard-1}).
 * The body is the branch payload as raw bytes ({@code application/octet-stream}). Headers:
 *
 * <ul>
 *   <li>{@value #VERSION_HEADER}: {@value #VERSION}; any other version is refused with 400
 *   <li>{@value #TRANSACTION_HEADER}: the transaction id
 *   <li>{@value #BRANCH_HEADER}: the branch id (the step name for a saga)
 *   <li>{@value #ATTEMPT_HEADER}: 1 for the first delivery of this phase, more for retries
 *   <li>{@value #DEADLINE_HEADER}: an ISO-8601 instant ({@code 2026-11-28T04:30:00.123Z}); a Try
 *       or action arriving after it is refused. Clocks of caller and participant must agree to
 *       within the margin the deadline leaves.
 *   <li>{@value #CALL_TIMEOUT_HEADER}: how many milliseconds the caller waits for this answer;
 *       optional. A request that sat in the endpoint's queue that long is not run (see below).
 *   <li>{@value #TRACEPARENT_HEADER} (W3C Trace Context): a trace id derived from the transaction
 *       id, so every call of one transaction shares it, and a fresh span id per call. Optional
 *       for the endpoint.
 * </ul>
 *
 * <p><b>Answer.</b> {@code 204} (or any 2xx): done. A refusal carries an {@code
 * application/problem+json} body (RFC 9457) whose {@code type} is one of the {@code PROBLEM_}
 * constants here: {@code 409} for the fence ({@link #PROBLEM_TRY_REFUSED}, {@link
 * #PROBLEM_FENCE_VIOLATION}) and for a heuristic phase-two answer ({@link #PROBLEM_HEURISTIC},
 * with an {@code applied} member naming a {@link dev.settle.core.BranchState}); {@code 422} for a
 * business refusal of a Try or an action ({@link #PROBLEM_REFUSED}); {@code 500} when a call
 * failed ({@link #PROBLEM_FAILED}), {@code 503} when the participant itself does not know what
 * happened ({@link #PROBLEM_OUTCOME_UNKNOWN}) and when the request waited in the endpoint's queue
 * past its caller's timeout and was not run ({@link #PROBLEM_ABANDONED}); {@code 400}, {@code 404}, {@code 405}, {@code 413}
 * for requests that were not understood ({@link #PROBLEM_MALFORMED}). How the caller reads each
 * answer is in {@link RemoteTccParticipant}.
 */
public final class WireFormat {
  /** The version this library speaks. */
  public static final String VERSION = "1";

  /** Header carrying the wire version. */
  public static final String VERSION_HEADER = "Settle-Wire-Version";

  /** Header carrying the transaction id. */
  public static final String TRANSACTION_HEADER = "Settle-Transaction-Id";

  /** Header carrying the branch id. */
  public static final String BRANCH_HEADER = "Settle-Branch-Id";

  /** Header carrying the attempt number, from 1. */
  public static final String ATTEMPT_HEADER = "Settle-Attempt";

  /** Header carrying the deadline as an ISO-8601 instant. */
  public static final String DEADLINE_HEADER = "Settle-Deadline";

  /**
   * Header carrying how long, in whole milliseconds, the caller waits for this answer (optional).
   * An endpoint that held the request in its queue for at least that long answers {@code 503}
   * {@link #PROBLEM_ABANDONED} without running anything: its caller has already counted the call
   * as an unknown outcome and will retry or cancel it, and running it anyway only adds load to a
   * participant that is already behind (the work nobody waits for is what turns a slow database
   * into a stuck one). Relative, not a clock time, so clock skew between hosts cannot matter.
   */
  public static final String CALL_TIMEOUT_HEADER = "Settle-Call-Timeout";

  /** The W3C Trace Context header. */
  public static final String TRACEPARENT_HEADER = "traceparent";

  /** The media type of refusals and errors. */
  public static final String PROBLEM_MEDIA_TYPE = "application/problem+json";

  /** The media type of request bodies. */
  public static final String PAYLOAD_MEDIA_TYPE = "application/octet-stream";

  /** The TCC operations, each the last path segment. */
  public static final List<String> TCC_OPERATIONS = List.of("try", "confirm", "cancel");

  /** The saga operations, each the last path segment. */
  public static final List<String> SAGA_OPERATIONS = List.of("action", "compensate");

  /** Problem type: the fence refused a Try (its Cancel came first, or its deadline passed). */
  public static final String PROBLEM_TRY_REFUSED = "urn:settle:problem:try-refused";

  /** Problem type: the call contradicts the fence (a Confirm after a Cancel, ...). */
  public static final String PROBLEM_FENCE_VIOLATION = "urn:settle:problem:fence-violation";

  /**
   * Member of a {@link #PROBLEM_REFUSED} document saying what kind of refusal it was: {@code
   * business} when the participant threw a {@link dev.settle.core.BusinessRefusalException} (the
   * caller gets one too, counted as a business refusal), {@code failure} for any other exception.
   * Absent (older endpoints): read as a failure.
   */
  public static final String REFUSAL_MEMBER = "refusal";

  /** Problem type: the business code said no to a Try or an action; nothing was applied. */
  public static final String PROBLEM_REFUSED = "urn:settle:problem:refused";

  /** Problem type: a phase-two call ended heuristically; member {@code applied} says how. */
  public static final String PROBLEM_HEURISTIC = "urn:settle:problem:heuristic";

  /** Problem type: the call failed; retry it (phase two) or count it failed. */
  public static final String PROBLEM_FAILED = "urn:settle:problem:failed";

  /** Problem type: the participant does not know whether the call took effect. */
  public static final String PROBLEM_OUTCOME_UNKNOWN = "urn:settle:problem:outcome-unknown";

  /**
   * Problem type: the request waited at the endpoint longer than its caller waits ({@link
   * #CALL_TIMEOUT_HEADER}), so it was not run; nothing was applied.
   */
  public static final String PROBLEM_ABANDONED = "urn:settle:problem:abandoned";

  /** Problem type: the request was not understood and nothing ran. */
  public static final String PROBLEM_MALFORMED = "urn:settle:problem:malformed";

  private WireFormat() {}
}
