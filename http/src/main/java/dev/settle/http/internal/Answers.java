package dev.settle.http.internal;

import dev.settle.core.BusinessRefusalException;
import dev.settle.core.HeuristicBranchException;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.http.EndpointResponse;
import dev.settle.http.WireFormat;
import dev.settle.tcc.FenceViolationException;
import dev.settle.tcc.TryRefusedException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns what a fenced participant did into the answer the wire contract defines. */
public final class Answers {
  private static final Logger LOG = LoggerFactory.getLogger(Answers.class);

  private Answers() {}

  /** Done. */
  public static EndpointResponse done() {
    return new EndpointResponse(204, Map.of(), new byte[0]);
  }

  /** A problem answer. */
  public static EndpointResponse problem(int status, String type, String title, String detail) {
    return problem(status, Problem.of(type, title, detail));
  }

  /** A problem answer. */
  public static EndpointResponse problem(int status, Problem problem) {
    return new EndpointResponse(
        status, Map.of("Content-Type", WireFormat.PROBLEM_MEDIA_TYPE), problem.toJson(status));
  }

  /** A request that was not understood; nothing ran. */
  public static EndpointResponse malformed(int status, String detail) {
    return problem(status, WireFormat.PROBLEM_MALFORMED, "malformed request", detail);
  }

  /**
   * The answer to a call that threw.
   *
   * @param forward whether it was a Try or an action (a refusal is then a vote no) rather than a
   *     phase-two call or a compensation (which the caller retries)
   * @param saga whether it was a saga step: a fence refusal of an action is then answered as
   *     unknown, because the fence also refuses an action while another delivery of it is still
   *     running, and a saga that took that for "not applied" would skip its compensation
   */
  public static EndpointResponse failure(
      RuntimeException failure, boolean forward, boolean saga, String what) {
    String detail = String.valueOf(failure.getMessage());
    if (failure instanceof TryRefusedException) {
      return saga
          ? problem(503, WireFormat.PROBLEM_OUTCOME_UNKNOWN, "action refused by the fence", detail)
          : problem(409, WireFormat.PROBLEM_TRY_REFUSED, "try refused", detail);
    }
    if (failure instanceof FenceViolationException) {
      return problem(409, WireFormat.PROBLEM_FENCE_VIOLATION, "fence violation", detail);
    }
    if (failure instanceof HeuristicBranchException h) {
      LOG.warn("{}: heuristic outcome {}", what, h.applied(), failure);
      return problem(
          409,
          Problem.of(WireFormat.PROBLEM_HEURISTIC, "heuristic outcome", detail)
              .with("applied", h.applied().name()));
    }
    if (failure instanceof ParticipantTimeoutException) {
      LOG.warn("{}: outcome unknown", what, failure);
      return problem(503, WireFormat.PROBLEM_OUTCOME_UNKNOWN, "outcome unknown", detail);
    }
    if (forward) {
      // The fence dropped the branch's record when the business method threw: nothing applied.
      LOG.debug("{}: refused", what, failure);
      Problem refused = Problem.of(WireFormat.PROBLEM_REFUSED, "refused", detail);
      return problem(
          422,
          failure instanceof BusinessRefusalException
              ? refused.with(WireFormat.REFUSAL_MEMBER, "business")
              : refused.with(WireFormat.REFUSAL_MEMBER, "failure"));
    }
    LOG.warn("{}: failed; the caller retries", what, failure);
    return problem(500, WireFormat.PROBLEM_FAILED, "failed", detail);
  }
}
