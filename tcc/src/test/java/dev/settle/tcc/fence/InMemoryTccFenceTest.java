package dev.settle.tcc.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.tcc.FenceViolationException;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TryRefusedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryTccFenceTest {
  private final Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final InMemoryTccFence fence =
      new InMemoryTccFence(Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(5));
  private final List<String> calls = new ArrayList<>();
  private final TccParticipant fenced =
      fence.protect(
          new TccParticipant() {
            @Override
            public void tryReserve(TccContext ctx) {
              calls.add("try");
            }

            @Override
            public void confirm(TccContext ctx) {
              calls.add("confirm");
            }

            @Override
            public void cancel(TccContext ctx) {
              calls.add("cancel");
            }
          });
  private final TransactionId tx = TransactionId.of("t1");
  private final BranchId branch = BranchId.of("b1");

  private TccContext ctx(Instant deadline) {
    return new TccContext(tx, branch, new byte[0], 1, deadline);
  }

  private TccContext ctx() {
    return ctx(now.plusSeconds(30));
  }

  @Test
  void cancelBeforeTryLeavesTheFlagAndTheLateTryIsRefused() {
    fenced.cancel(ctx());
    assertThat(fence.state(tx, branch)).contains(FenceState.CANCELLED_BEFORE_TRY);
    assertThatThrownBy(() -> fenced.tryReserve(ctx()))
        .isInstanceOf(TryRefusedException.class)
        .hasMessageContaining("its cancel arrived first");
    assertThat(calls).isEmpty();
  }

  @Test
  void repeatedConfirmAndCancelAreNoOps() {
    fenced.tryReserve(ctx());
    fenced.tryReserve(ctx());
    fenced.confirm(ctx());
    fenced.confirm(ctx());
    assertThat(calls).containsExactly("try", "confirm");
    TransactionId other = TransactionId.of("t2");
    TccContext second = new TccContext(other, branch, new byte[0], 1, now.plusSeconds(30));
    fenced.tryReserve(second);
    fenced.cancel(second);
    fenced.cancel(second);
    assertThat(calls).containsExactly("try", "confirm", "try", "cancel");
  }

  @Test
  void confirmWithoutTryAfterCancelAndCancelAfterConfirmAreRefused() {
    assertThatThrownBy(() -> fenced.confirm(ctx()))
        .isInstanceOf(FenceViolationException.class)
        .hasMessageContaining("confirm with no try record")
        .hasMessageContaining("t1")
        .hasMessageContaining("b1");
    fenced.cancel(ctx());
    assertThatThrownBy(() -> fenced.confirm(ctx())).hasMessageContaining("confirm after cancel");
    TccContext other = new TccContext(TransactionId.of("t3"), branch, new byte[0], 1, now.plusSeconds(9));
    fenced.tryReserve(other);
    fenced.confirm(other);
    assertThatThrownBy(() -> fenced.cancel(other)).hasMessageContaining("cancel after confirm");
  }

  @Test
  void aTryPastItsDeadlineIsRefusedWithoutTouchingTheResource() {
    assertThatThrownBy(() -> fenced.tryReserve(ctx(now.minusMillis(1))))
        .isInstanceOf(TryRefusedException.class)
        .hasMessageContaining("deadline");
    assertThat(calls).isEmpty();
    assertThat(fence.state(tx, branch)).isEmpty();
  }

  @Test
  void aTryWhoseBusinessCallFailedLeavesNoRecordSoTheCancelIsANoOp() {
    TccParticipant failing =
        fence.protect(
            new TccParticipant() {
              @Override
              public void tryReserve(TccContext c) {
                throw new IllegalStateException("insufficient funds");
              }

              @Override
              public void confirm(TccContext c) {}

              @Override
              public void cancel(TccContext c) {
                calls.add("real cancel");
              }
            });
    assertThatThrownBy(() -> failing.tryReserve(ctx())).hasMessage("insufficient funds");
    assertThat(fence.state(tx, branch)).isEmpty();
    failing.cancel(ctx());
    assertThat(calls).isEmpty();
    assertThat(fence.state(tx, branch)).contains(FenceState.CANCELLED_BEFORE_TRY);
  }

  @Test
  void cleanupRemovesOnlyOldFinishedRowsInBoundedBatches() {
    MutableTime time = new MutableTime(now);
    InMemoryTccFence timed = new InMemoryTccFence(time, Duration.ofMinutes(1));
    TccParticipant p = timed.protect(new NoOp());
    for (int i = 0; i < 5; i++) {
      TccContext c = new TccContext(TransactionId.of("c" + i), branch, new byte[0], 1, now.plusSeconds(1));
      p.cancel(c);
    }
    TccContext pending = new TccContext(TransactionId.of("pending"), branch, new byte[0], 1, now.plusSeconds(1));
    p.tryReserve(pending);
    assertThat(timed.cleanUp(10)).isZero(); // within the horizon
    time.instant = now.plus(Duration.ofMinutes(2));
    assertThat(timed.cleanUp(3)).isEqualTo(3);
    assertThat(timed.cleanUp(3)).isEqualTo(2);
    assertThat(timed.size()).isEqualTo(1); // the Try still waiting for its phase two stays
    // A very late Try of a cleaned transaction is still refused, by its deadline.
    assertThatThrownBy(
            () -> p.tryReserve(new TccContext(TransactionId.of("c0"), branch, new byte[0], 1, now.plusSeconds(1))))
        .isInstanceOf(TryRefusedException.class);
  }

  @Test
  void protectKeepsTheParticipantName() {
    TccParticipant named =
        fence.protect(
            new NoOp() {
              @Override
              public String name() {
                return "shard-7";
              }
            });
    assertThat(named.name()).isEqualTo("shard-7");
    assertThatThrownBy(() -> fence.protect(null)).hasMessage("participant must not be null");
  }

  static class NoOp implements TccParticipant {
    @Override
    public void tryReserve(TccContext ctx) {}

    @Override
    public void confirm(TccContext ctx) {}

    @Override
    public void cancel(TccContext ctx) {}
  }

  static final class MutableTime extends Clock {
    Instant instant;

    MutableTime(Instant start) {
      instant = start;
    }

    @Override
    public Instant instant() {
      return instant;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
