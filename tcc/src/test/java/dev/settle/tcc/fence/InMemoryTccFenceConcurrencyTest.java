package dev.settle.tcc.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import dev.settle.core.BranchId;
import dev.settle.core.ParticipantException;
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
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The in-memory fence holds no lock while business code runs (issue 13, defect 6), and keeps its
 * rules when calls of one branch overlap. Business methods here park at a gate the test opens,
 * so every interleaving is reproduced exactly, in lock step, without sleeping.
 */
class InMemoryTccFenceConcurrencyTest {
  /** How long a step may take before the test concludes that the fence blocked it. */
  private static final long STUCK_MILLIS = 2_000;

  private static final ExecutorService POOL = Executors.newCachedThreadPool();

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @AfterAll
  static void stopPool() {
    POOL.shutdownNow();
  }

  enum Call {
    TRY,
    CONFIRM,
    CANCEL
  }

  /**
   * One delivery of a call.
   *
   * @param call which call
   * @param effectFirst whether its business method applies its effect before it parks (slow to
   *     answer) rather than after (slow to apply)
   * @param fails whether a Try's business method votes no (throws, having changed nothing)
   */
  record Delivery(Call call, boolean effectFirst, boolean fails) {
    @Override
    public String toString() {
      return call + (effectFirst ? "(effect first)" : "") + (fails ? "(fails)" : "");
    }
  }

  /**
   * A schedule: deliveries, and the order in which each is started (it runs until it parks in
   * business code or returns) and released (its business code goes on). Positive entries {@code
   * i+1} start delivery i, negative ones release it.
   *
   * @param confirm whether the coordinator decided to confirm: then one Try answered yes before
   *     any Confirm was sent; on cancel, Tries and Cancels interleave freely
   */
  record Schedule(boolean confirm, List<Delivery> deliveries, List<Integer> steps) {}

  /** One account: Try reserves 10, Confirm spends the reservation, Cancel gives it back. */
  static final class Account implements TccParticipant {
    final ThreadLocal<@Nullable Gate> gate = new ThreadLocal<>();
    long balance = 100;
    long reserved;

    @Override
    public void tryReserve(TccContext ctx) {
      Gate g = gate.get();
      boolean effectFirst = g != null && g.delivery.effectFirst();
      if (g != null && g.delivery.fails()) {
        g.park();
        throw new IllegalStateException("insufficient funds");
      }
      if (effectFirst) {
        change(-10, 10);
      }
      park();
      if (!effectFirst) {
        change(-10, 10);
      }
    }

    @Override
    public void confirm(TccContext ctx) {
      park();
      change(0, -10);
    }

    @Override
    public void cancel(TccContext ctx) {
      park();
      change(10, -10);
    }

    private void park() {
      Gate g = gate.get();
      if (g != null) {
        g.park();
      }
    }

    private synchronized void change(long toBalance, long toReserved) {
      balance += toBalance;
      reserved += toReserved;
    }

    synchronized long balance() {
      return balance;
    }

    synchronized long reserved() {
      return reserved;
    }
  }

  /** Where one delivery's business code parks until the schedule releases it (once). */
  static final class Gate {
    final Delivery delivery;
    final CountDownLatch open = new CountDownLatch(1);
    final Semaphore progressed = new Semaphore(0); // parked or returned
    volatile boolean parked;

    Gate(Delivery delivery) {
      this.delivery = delivery;
    }

    void park() {
      if (open.getCount() == 0) {
        return; // released already: later business calls on this thread (an undo) run freely
      }
      parked = true;
      progressed.release();
      try {
        if (!open.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** What one delivery returned: null for success. */
  record Result(Delivery delivery, @Nullable Throwable failure) {}

  static Gen<Schedule> schedules() {
    Gen<Delivery> anyDelivery =
        Generate.enumValues(Call.class)
            .zip(Generate.booleans(), Generate.booleans(), (c, e, f) -> new Delivery(c, e, f));
    Gen<Integer> copies = Generate.range(0, 3);
    Gen<Integer> phaseTwo = Generate.range(1, 3);
    Gen<Long> seeds = Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE);
    return Generate.booleans()
        .zip(
            copies,
            phaseTwo,
            seeds,
            (confirm, tries, twos, seed) -> build(confirm, tries, twos, new Random(seed)));
  }

  private static Schedule build(boolean confirm, int tries, int twos, Random random) {
    List<Delivery> deliveries = new ArrayList<>();
    List<Integer> rest = new ArrayList<>();
    List<Integer> steps = new ArrayList<>();
    if (confirm) {
      // The Try the coordinator heard yes from ran to its end before any Confirm was sent.
      deliveries.add(new Delivery(Call.TRY, random.nextBoolean(), false));
      steps.add(1);
      steps.add(-1);
    }
    for (int i = 0; i < tries; i++) {
      deliveries.add(new Delivery(Call.TRY, random.nextBoolean(), !confirm && random.nextInt(4) == 0));
    }
    for (int i = 0; i < twos; i++) {
      deliveries.add(new Delivery(confirm ? Call.CONFIRM : Call.CANCEL, random.nextBoolean(), false));
    }
    int first = confirm ? 1 : 0;
    List<Integer> order = new ArrayList<>();
    for (int i = first; i < deliveries.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    // Interleave starts and releases: each delivery's release comes after its start.
    List<Integer> started = new ArrayList<>();
    int next = 0;
    while (next < order.size() || !started.isEmpty()) {
      boolean start = next < order.size() && (started.isEmpty() || random.nextBoolean());
      if (start) {
        int i = order.get(next++);
        started.add(i);
        rest.add(i + 1);
      } else {
        int i = started.remove(random.nextInt(started.size()));
        rest.add(-(i + 1));
      }
    }
    steps.addAll(rest);
    return new Schedule(confirm, deliveries, steps);
  }

  @Test
  void anyInterleavingOfTryConfirmAndCancelLeavesNoHangingReservationAndKeepsTheRules() {
    qt().withExamples(1000).withShrinkCycles(50).forAll(schedules()).checkAssert(this::run);
  }

  private void run(Schedule schedule) {
    List<Gate> gates = new ArrayList<>();
    try {
      run(schedule, gates);
    } finally {
      gates.forEach(g -> g.open.countDown()); // a failed example leaves no thread parked
    }
  }

  private void run(Schedule schedule, List<Gate> gates) {
    InMemoryTccFence fence =
        new InMemoryTccFence(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(1));
    Account account = new Account();
    TccParticipant fenced = fence.protect(account);
    TccContext ctx =
        new TccContext(TransactionId.of("t"), BranchId.of("b"), new byte[0], 1, NOW.plusSeconds(5));
    List<@Nullable Future<Result>> running = new ArrayList<>();
    for (Delivery d : schedule.deliveries()) {
      gates.add(new Gate(d));
      running.add(null);
    }
    for (int step : schedule.steps()) {
      int i = Math.abs(step) - 1;
      Gate gate = gates.get(i);
      if (step > 0) {
        running.set(i, POOL.submit(() -> deliver(fenced, account, gate, ctx)));
        try {
          // It must park in business code or return: it may never wait on another call's.
          if (!gate.progressed.tryAcquire(STUCK_MILLIS, TimeUnit.MILLISECONDS)) {
            fail("delivery %d (%s) blocked behind another call in %s", i, gate.delivery, schedule);
          }
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      } else {
        gate.open.countDown();
        // A released call runs to its end (an undo included) without waiting for any other.
        await(running.get(i), i, schedule);
      }
    }
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < running.size(); i++) {
      results.add(await(running.get(i), i, schedule));
    }
    Call decision = schedule.confirm() ? Call.CONFIRM : Call.CANCEL;
    for (Result r : results) {
      Throwable failure = r.failure();
      if (failure == null) {
        continue;
      }
      if (r.delivery().fails() && "insufficient funds".equals(failure.getMessage())) {
        continue; // the participant's own no vote, passed through
      }
      // Refusals and "retry later" are the fence at work; a violation, or anything else, is not.
      assertThat(failure).as("%s in %s", r.delivery(), schedule).isInstanceOf(ParticipantException.class);
      assertThat(failure).as("%s in %s", r.delivery(), schedule).isNotInstanceOf(FenceViolationException.class);
      if (r.delivery().call() != Call.TRY) {
        assertThat(failure).as("%s in %s", r.delivery(), schedule).isNotInstanceOf(TryRefusedException.class);
      }
    }
    // Phase two is retried until acknowledged; by now nothing runs, so one more call settles it.
    boolean acknowledged =
        results.stream().anyMatch(r -> r.delivery().call() == decision && r.failure() == null);
    if (!acknowledged) {
      if (decision == Call.CONFIRM) {
        fenced.confirm(ctx);
      } else {
        fenced.cancel(ctx);
      }
    }
    // A very late Try, after everything: refused on cancel, a no-op on confirm.
    try {
      fenced.tryReserve(ctx);
      assertThat(schedule.confirm()).as("a late try after the cancel was accepted, %s", schedule).isTrue();
    } catch (TryRefusedException refused) {
      assertThat(schedule.confirm()).as("late try refused after confirm, %s", schedule).isFalse();
    }
    assertThat(account.reserved()).as("reservation left by %s", schedule).isZero();
    assertThat(account.balance()).as("balance after %s", schedule).isEqualTo(schedule.confirm() ? 90 : 100);
    assertThat(fence.state(ctx.transactionId(), ctx.branchId()))
        .as("fence after %s", schedule)
        .hasValueSatisfying(
            s -> {
              if (schedule.confirm()) {
                assertThat(s).isEqualTo(FenceState.CONFIRMED);
              } else {
                assertThat(s).isIn(FenceState.CANCELLED, FenceState.CANCELLED_BEFORE_TRY);
              }
            });
  }

  private static Result deliver(TccParticipant fenced, Account account, Gate gate, TccContext ctx) {
    account.gate.set(gate);
    try {
      switch (gate.delivery.call()) {
        case TRY -> fenced.tryReserve(ctx);
        case CONFIRM -> fenced.confirm(ctx);
        case CANCEL -> fenced.cancel(ctx);
      }
      return new Result(gate.delivery, null);
    } catch (RuntimeException | Error e) {
      return new Result(gate.delivery, e);
    } finally {
      account.gate.remove();
      if (!gate.parked) {
        gate.progressed.release(); // returned without parking
      }
    }
  }

  private static Result await(@Nullable Future<Result> future, int i, Schedule schedule) {
    try {
      return future.get(STUCK_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("delivery " + i + " never returned in " + schedule, e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  // Single interleavings, named, for the record.

  private final Instant now = NOW;
  private final InMemoryTccFence fence =
      new InMemoryTccFence(Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(1));
  private final TccContext ctx =
      new TccContext(TransactionId.of("t1"), BranchId.of("b1"), new byte[0], 1, now.plusSeconds(5));

  @Test
  void aCancelThatMeetsItsTryRunningAnswersAtOnceAndTheTryUndoesItsOwnEffect() throws Exception {
    Account account = new Account();
    TccParticipant fenced = fence.protect(account);
    Gate gate = new Gate(new Delivery(Call.TRY, true, false));
    Future<Result> tryCall = POOL.submit(() -> deliver(fenced, account, gate, ctx));
    assertThat(gate.progressed.tryAcquire(STUCK_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(account.reserved()).isEqualTo(10); // reserved, not yet answered

    Future<?> cancel = POOL.submit(() -> fenced.cancel(ctx));
    cancel.get(STUCK_MILLIS, TimeUnit.MILLISECONDS); // does not wait for the Try
    assertThat(fence.state(ctx.transactionId(), ctx.branchId())).contains(FenceState.CANCELLED_BEFORE_TRY);
    assertThatThrownBy(() -> fenced.confirm(ctx))
        .isInstanceOf(FenceViolationException.class)
        .hasMessageContaining("confirm after cancel");

    gate.open.countDown();
    Result tried = tryCall.get(STUCK_MILLIS, TimeUnit.MILLISECONDS);
    assertThat(tried.failure())
        .isInstanceOf(TryRefusedException.class)
        .hasMessageContaining("its effect was undone");
    assertThat(account.reserved()).isZero();
    assertThat(account.balance()).isEqualTo(100);
    assertThat(fence.state(ctx.transactionId(), ctx.branchId())).contains(FenceState.CANCELLED);
    fenced.cancel(ctx); // a repeat changes nothing
    assertThat(account.balance()).isEqualTo(100);
  }

  @Test
  void aRunningTryBlocksNoOtherBranch() throws Exception {
    Account account = new Account();
    TccParticipant fenced = fence.protect(account);
    Gate gate = new Gate(new Delivery(Call.TRY, false, false));
    Future<Result> stuck = POOL.submit(() -> deliver(fenced, account, gate, ctx));
    assertThat(gate.progressed.tryAcquire(STUCK_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
    // Many other branches, some sharing the stuck one's hash bin, go through meanwhile.
    for (int i = 0; i < 200; i++) {
      TccContext other =
          new TccContext(TransactionId.of("o" + i), BranchId.of("b1"), new byte[0], 1, now.plusSeconds(5));
      Future<?> f =
          POOL.submit(
              () -> {
                fenced.tryReserve(other);
                fenced.confirm(other);
              });
      f.get(STUCK_MILLIS, TimeUnit.MILLISECONDS);
    }
    gate.open.countDown();
    assertThat(stuck.get(STUCK_MILLIS, TimeUnit.MILLISECONDS).failure()).isNull();
    assertThat(fence.state(ctx.transactionId(), ctx.branchId())).contains(FenceState.TRIED);
  }

  @Test
  void anErrorFromBusinessCodeLeavesTheBranchAsIfTheCallNeverRan() {
    TccParticipant broken =
        fence.protect(
            new InMemoryTccFenceTest.NoOp() {
              @Override
              public void tryReserve(TccContext c) {
                throw new AssertionError("bug in the participant");
              }

              @Override
              public void confirm(TccContext c) {
                throw new AssertionError("bug in confirm");
              }
            });
    assertThatThrownBy(() -> broken.tryReserve(ctx)).isInstanceOf(AssertionError.class);
    assertThat(fence.state(ctx.transactionId(), ctx.branchId())).isEmpty();
    broken.cancel(ctx);
    assertThat(fence.state(ctx.transactionId(), ctx.branchId())).contains(FenceState.CANCELLED_BEFORE_TRY);

    TccContext second =
        new TccContext(TransactionId.of("t2"), BranchId.of("b1"), new byte[0], 1, now.plusSeconds(5));
    TccParticipant triesFine = fence.protect(new InMemoryTccFenceTest.NoOp());
    triesFine.tryReserve(second);
    assertThatThrownBy(() -> broken.confirm(second)).isInstanceOf(AssertionError.class);
    assertThat(fence.state(second.transactionId(), second.branchId())).contains(FenceState.TRIED);
    triesFine.confirm(second); // the retry goes through: the failed Confirm left no "running" mark
    assertThat(fence.state(second.transactionId(), second.branchId())).contains(FenceState.CONFIRMED);
  }

  @Test
  void anUndoThatFailsKeepsTheReservationVisibleAndTheNextCancelRunsIt() throws Exception {
    Account account = new Account();
    boolean[] cancelFails = {true};
    TccParticipant flaky =
        fence.protect(
            new TccParticipant() {
              @Override
              public void tryReserve(TccContext c) {
                account.tryReserve(c);
              }

              @Override
              public void confirm(TccContext c) {
                account.confirm(c);
              }

              @Override
              public void cancel(TccContext c) {
                if (cancelFails[0]) {
                  throw new IllegalStateException("shard unavailable");
                }
                account.cancel(c);
              }
            });
    Gate gate = new Gate(new Delivery(Call.TRY, false, false));
    Future<Result> tryCall = POOL.submit(() -> deliver(flaky, account, gate, ctx));
    assertThat(gate.progressed.tryAcquire(STUCK_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
    flaky.cancel(ctx); // accepted while the Try runs
    gate.open.countDown();
    assertThat(tryCall.get(STUCK_MILLIS, TimeUnit.MILLISECONDS).failure()).hasMessage("shard unavailable");
    // The reservation is really held, and says so; cleanup keeps it; a Confirm is refused.
    assertThat(account.reserved()).isEqualTo(10);
    assertThat(fence.state(ctx.transactionId(), ctx.branchId())).contains(FenceState.TRIED);
    assertThatThrownBy(() -> flaky.confirm(ctx)).isInstanceOf(FenceViolationException.class);
    assertThatThrownBy(() -> flaky.tryReserve(ctx)).isInstanceOf(TryRefusedException.class);
    cancelFails[0] = false;
    flaky.cancel(ctx);
    assertThat(account.reserved()).isZero();
    assertThat(account.balance()).isEqualTo(100);
    assertThat(fence.state(ctx.transactionId(), ctx.branchId())).contains(FenceState.CANCELLED);
  }
}
