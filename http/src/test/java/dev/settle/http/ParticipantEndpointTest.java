package dev.settle.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.HeuristicBranchException;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.TransactionId;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.fence.FenceState;
import dev.settle.tcc.fence.InMemoryTccFence;
import dev.settle.testkit.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The framework-neutral handler, called directly: no server, no sockets. */
class ParticipantEndpointTest {
  private final InMemoryTccFence fence = InMemoryTccFence.create();
  private final Shard shard = new Shard("shard-1").open("A", 100);
  private final Instant deadline = Instant.now().plus(Duration.ofMinutes(1));

  private ParticipantEndpoint endpoint() {
    return ParticipantEndpoint.builder().basePath("/settle").fence(fence).tcc(shard).build();
  }

  private EndpointResponse post(ParticipantEndpoint e, String op, String tx, String body) {
    return e.handle(
        "POST", "/settle/shard-1/" + op, Requests.headers(tx, "b1", 1, deadline), body.getBytes(UTF_8));
  }

  @Test
  void tryThenConfirmAnswer204AndReachTheShardOnce() {
    ParticipantEndpoint e = endpoint();
    assertThat(post(e, "try", "tx-1", "A:-30").status()).isEqualTo(204);
    assertThat(post(e, "confirm", "tx-1", "A:-30").status()).isEqualTo(204);
    assertThat(shard.balance("A")).isEqualTo(70);
    assertThat(shard.pending()).isZero();
    assertThat(fence.state(TransactionId.of("tx-1"), BranchId.of("b1"))).contains(FenceState.CONFIRMED);
  }

  @Test
  void duplicateDeliveriesAreNoOps() {
    ParticipantEndpoint e = endpoint();
    for (int i = 0; i < 3; i++) {
      assertThat(post(e, "try", "tx-1", "A:-30").status()).isEqualTo(204);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(post(e, "confirm", "tx-1", "A:-30").status()).isEqualTo(204);
    }
    assertThat(shard.tries).hasValue(1);
    assertThat(shard.confirms).hasValue(1);
    assertThat(shard.balance("A")).isEqualTo(70);
  }

  @Test
  void cancelBeforeTryLeavesTheFlagAndTheLateTryIsRefusedWith409() {
    ParticipantEndpoint e = endpoint();
    assertThat(post(e, "cancel", "tx-1", "A:-30").status()).isEqualTo(204);
    EndpointResponse late = post(e, "try", "tx-1", "A:-30");
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.headers()).containsEntry("Content-Type", WireFormat.PROBLEM_MEDIA_TYPE);
    assertThat(late.bodyText()).contains(WireFormat.PROBLEM_TRY_REFUSED);
    assertThat(shard.tries).hasValue(0);
    assertThat(shard.balance("A")).isEqualTo(100);
  }

  @Test
  void aTryPastItsDeadlineIsRefusedWithoutReachingTheShard() {
    ParticipantEndpoint e = endpoint();
    EndpointResponse r =
        e.handle(
            "POST",
            "/settle/shard-1/try",
            Requests.headers("tx-1", "b1", 1, Instant.now().minusSeconds(1)),
            "A:-30".getBytes(UTF_8));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.bodyText()).contains(WireFormat.PROBLEM_TRY_REFUSED).contains("deadline");
    assertThat(shard.tries).hasValue(0);
  }

  @Test
  void aLateRepeatOfAnAppliedTryIsDoneNotRefused() {
    VirtualClock clock = new VirtualClock(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    ParticipantEndpoint e = ParticipantEndpoint.builder().clock(clock).tcc(shard).build();
    Instant soon = clock.instant().plusSeconds(1);
    Map<String, List<String>> h = Requests.headers("tx-1", "b1", 1, soon);
    assertThat(e.handle("POST", "/shard-1/try", h, "A:-30".getBytes(UTF_8)).status()).isEqualTo(204);
    clock.advance(Duration.ofSeconds(2));
    // The caller must hear "done": answering "refused" would hide a reservation that exists.
    assertThat(e.handle("POST", "/shard-1/try", h, "A:-30".getBytes(UTF_8)).status()).isEqualTo(204);
    assertThat(shard.tries).hasValue(1);
    // A Try that never ran is refused after the deadline, by the fence on the endpoint's clock.
    Map<String, List<String>> other = Requests.headers("tx-2", "b1", 1, soon);
    assertThat(e.handle("POST", "/shard-1/try", other, "A:-30".getBytes(UTF_8)).status())
        .isEqualTo(409);
    assertThat(shard.tries).hasValue(1);
  }

  @Test
  void aParticipantFencedElsewhereHasItsLateTriesRefusedByTheEndpoint() {
    ParticipantEndpoint e = ParticipantEndpoint.builder().fencedTcc(shard).build();
    Map<String, List<String>> late = Requests.headers("tx-1", "b1", 1, Instant.now().minusMillis(1));
    assertThat(e.handle("POST", "/shard-1/try", late, "A:-30".getBytes(UTF_8)).status())
        .isEqualTo(409);
    assertThat(shard.tries).hasValue(0);
  }

  @Test
  void aConfirmWithNoTryIsAFenceViolation() {
    EndpointResponse r = post(endpoint(), "confirm", "tx-1", "A:-30");
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.bodyText()).contains(WireFormat.PROBLEM_FENCE_VIOLATION);
    assertThat(shard.confirms).hasValue(0);
  }

  @Test
  void aBusinessRefusalOfATryIs422AndLeavesNoRecord() {
    ParticipantEndpoint e = endpoint();
    EndpointResponse r = post(e, "try", "tx-1", "A:-500");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.bodyText()).contains(WireFormat.PROBLEM_REFUSED).contains("insufficient funds")
        .contains("\"refusal\":\"business\""); // the shard threw BusinessRefusalException
    assertThat(fence.state(TransactionId.of("tx-1"), BranchId.of("b1"))).isEmpty();
  }

  @Test
  void aFailingPhaseTwoCallIs500AndAnUnknownOneIs503AndAHeuristicOneIs409WithItsState() {
    TccParticipant odd =
        new TccParticipant() {
          @Override
          public String name() {
            return "odd";
          }

          @Override
          public void tryReserve(TccContext c) {
            throw new ParticipantTimeoutException(c.transactionId(), c.branchId(), "downstream");
          }

          @Override
          public void confirm(TccContext c) {
            throw new HeuristicBranchException(
                c.transactionId(), c.branchId(), BranchState.ROLLED_BACK, "rolled back", null);
          }

          @Override
          public void cancel(TccContext c) {
            throw new IllegalStateException("database down");
          }
        };
    ParticipantEndpoint e = ParticipantEndpoint.builder().fencedTcc(odd).build();
    Map<String, List<String>> h = Requests.headers("tx-1", "b1", 1, deadline);
    assertThat(e.handle("POST", "/odd/try", h, new byte[0]).status()).isEqualTo(503);
    EndpointResponse heuristic = e.handle("POST", "/odd/confirm", h, new byte[0]);
    assertThat(heuristic.status()).isEqualTo(409);
    assertThat(heuristic.bodyText()).contains(WireFormat.PROBLEM_HEURISTIC).contains("\"applied\":\"ROLLED_BACK\"");
    EndpointResponse failed = e.handle("POST", "/odd/cancel", h, new byte[0]);
    assertThat(failed.status()).isEqualTo(500);
    assertThat(failed.bodyText()).contains(WireFormat.PROBLEM_FAILED).contains("database down");
  }

  @Test
  void malformedRequestsAre400AndRunNothing() {
    ParticipantEndpoint e = endpoint();
    Map<String, List<String>> good = Requests.headers("tx-1", "b1", 1, deadline);
    List<Map<String, List<String>>> bad =
        List.of(
            Requests.without(good, WireFormat.TRANSACTION_HEADER),
            Requests.without(good, WireFormat.BRANCH_HEADER),
            Requests.without(good, WireFormat.DEADLINE_HEADER),
            Requests.without(good, WireFormat.VERSION_HEADER),
            Requests.with(good, WireFormat.VERSION_HEADER, "2"),
            Requests.with(good, WireFormat.ATTEMPT_HEADER, "one"),
            Requests.with(good, WireFormat.ATTEMPT_HEADER, "0"),
            Requests.with(good, WireFormat.DEADLINE_HEADER, "tomorrow"),
            Requests.with(good, WireFormat.TRANSACTION_HEADER, "x".repeat(500)));
    for (Map<String, List<String>> h : bad) {
      EndpointResponse r = e.handle("POST", "/settle/shard-1/try", h, "A:-1".getBytes(UTF_8));
      assertThat(r.status()).as(h.toString()).isEqualTo(400);
      assertThat(r.bodyText()).contains(WireFormat.PROBLEM_MALFORMED);
    }
    assertThat(shard.tries).hasValue(0);
  }

  @Test
  void headerNamesAreMatchedWithoutCase() {
    Map<String, List<String>> h =
        Map.of(
            "settle-wire-version", List.of("1"),
            "SETTLE-TRANSACTION-ID", List.of("tx-1"),
            "Settle-branch-id", List.of("b1"),
            "settle-attempt", List.of("1"),
            "settle-deadline", List.of(deadline.toString()));
    assertThat(endpoint().handle("POST", "/settle/shard-1/try", h, "A:-1".getBytes(UTF_8)).status())
        .isEqualTo(204);
  }

  @Test
  void unknownRoutesAre404AndOtherMethods405AndLargeBodies413() {
    ParticipantEndpoint e =
        ParticipantEndpoint.builder().basePath("/settle").tcc(shard).maxBodyBytes(8).build();
    Map<String, List<String>> h = Requests.headers("tx-1", "b1", 1, deadline);
    assertThat(e.handle("POST", "/settle/shard-2/try", h, new byte[0]).status()).isEqualTo(404);
    assertThat(e.handle("POST", "/settle/shard-1/action", h, new byte[0]).status()).isEqualTo(404);
    assertThat(e.handle("POST", "/settle/shard-1/try/x", h, new byte[0]).status()).isEqualTo(404);
    assertThat(e.handle("POST", "/other/shard-1/try", h, new byte[0]).status()).isEqualTo(404);
    EndpointResponse get = e.handle("GET", "/settle/shard-1/try", h, new byte[0]);
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers()).containsEntry("Allow", "POST");
    assertThat(e.handle("POST", "/settle/shard-1/try", h, "A:-1000000".getBytes(UTF_8)).status())
        .isEqualTo(413);
    assertThat(shard.tries).hasValue(0);
  }

  @Test
  void sagaStepsAreFencedAndAFenceRefusalOfAnActionIsUnknown() {
    Steps steps = new Steps("debit");
    ParticipantEndpoint e = ParticipantEndpoint.builder().saga(steps).build();
    Map<String, List<String>> h = Requests.headers("tx-1", "debit", 1, deadline);
    assertThat(e.handle("POST", "/debit/action", h, new byte[0]).status()).isEqualTo(204);
    assertThat(e.handle("POST", "/debit/action", h, new byte[0]).status()).isEqualTo(204);
    assertThat(e.handle("POST", "/debit/compensate", h, new byte[0]).status()).isEqualTo(204);
    assertThat(e.handle("POST", "/debit/compensate", h, new byte[0]).status()).isEqualTo(204);
    assertThat(steps.actions).hasValue(1);
    assertThat(steps.compensations).hasValue(1);
    // A compensation first: the action that arrives later never runs, and the caller is told
    // "unknown" (the fence gives the same answer while another delivery is still running).
    Map<String, List<String>> h2 = Requests.headers("tx-2", "debit", 1, deadline);
    assertThat(e.handle("POST", "/debit/compensate", h2, new byte[0]).status()).isEqualTo(204);
    assertThat(e.handle("POST", "/debit/action", h2, new byte[0]).status()).isEqualTo(503);
    assertThat(steps.actions).hasValue(1);
    assertThat(steps.compensations).hasValue(1);
    assertThat(e.handle("POST", "/debit/try", h, new byte[0]).status()).isEqualTo(404);
  }
}
