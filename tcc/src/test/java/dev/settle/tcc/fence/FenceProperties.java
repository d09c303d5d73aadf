package dev.settle.tcc.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.settle.core.BranchId;
import dev.settle.core.ParticipantException;
import dev.settle.core.TransactionId;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Any delivery order of one branch's calls, with duplicates and a Cancel overtaking its Try,
 * leaves the resource fully confirmed or untouched, and never holding a reservation after a
 * Cancel.
 */
class FenceProperties {
  enum Call {
    TRY,
    CONFIRM,
    CANCEL
  }

  /**
   * A delivery schedule the coordinator could cause. On confirm, the coordinator sent Confirm
   * only after a Try succeeded, so one Try is delivered before the first Confirm; every other
   * copy can land anywhere. On cancel, Tries and Cancels interleave freely.
   */
  record Schedule(boolean confirm, List<Call> deliveries) {}

  /** Confirm schedules and cancel schedules, half and half. */
  static Gen<Schedule> schedules() {
    Gen<Integer> copies = integers().between(0, 3);
    Gen<Integer> finishers = integers().between(1, 3);
    Gen<Schedule> confirm =
        copies.zip(
            finishers,
            longs().all(),
            (extraTries, confirms, seed) -> {
              List<Call> rest = new ArrayList<>();
              for (int i = 0; i < extraTries; i++) rest.add(Call.TRY);
              for (int i = 0; i < confirms; i++) rest.add(Call.CONFIRM);
              Collections.shuffle(rest, new Random(seed));
              List<Call> all = new ArrayList<>();
              all.add(Call.TRY);
              all.addAll(rest);
              return new Schedule(true, all);
            });
    Gen<Schedule> cancel =
        copies.zip(
            finishers,
            longs().all(),
            (tries, cancels, seed) -> {
              List<Call> all = new ArrayList<>();
              for (int i = 0; i < tries; i++) all.add(Call.TRY);
              for (int i = 0; i < cancels; i++) all.add(Call.CANCEL);
              Collections.shuffle(all, new Random(seed));
              return new Schedule(false, all);
            });
    return Generate.oneOf(confirm, cancel);
  }

  /** One account with a balance; Try reserves 10, Confirm spends it, Cancel gives it back. */
  static final class Account implements TccParticipant {
    long balance = 100;
    long reserved;

    @Override
    public void tryReserve(TccContext ctx) {
      balance -= 10;
      reserved += 10;
    }

    @Override
    public void confirm(TccContext ctx) {
      reserved -= 10;
    }

    @Override
    public void cancel(TccContext ctx) {
      reserved -= 10;
      balance += 10;
    }
  }

  @Test
  void anyDeliveryOrderEndsConfirmedOrUntouched() {
    qt().withExamples(2000)
        .forAll(schedules())
        .checkAssert(FenceProperties::endsConfirmedOrUntouched);
  }

  private static void endsConfirmedOrUntouched(Schedule schedule) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    InMemoryTccFence fence =
        new InMemoryTccFence(Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(1));
    Account account = new Account();
    TccParticipant fenced = fence.protect(account);
    TccContext ctx =
        new TccContext(TransactionId.of("t"), BranchId.of("b"), new byte[0], 1, now.plusSeconds(5));
    for (Call call : schedule.deliveries()) {
      try {
        switch (call) {
          case TRY -> fenced.tryReserve(ctx);
          case CONFIRM -> fenced.confirm(ctx);
          case CANCEL -> fenced.cancel(ctx);
        }
      } catch (ParticipantException refused) {
        // A refused late Try is the fence doing its job; it must not have touched the account.
      }
    }
    assertThat(account.reserved).as("reservation after %s", schedule).isZero();
    assertThat(account.balance).as("balance after %s", schedule).isEqualTo(schedule.confirm() ? 90 : 100);
  }
}
