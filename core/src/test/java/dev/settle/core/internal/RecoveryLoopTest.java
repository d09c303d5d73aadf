package dev.settle.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Coordinator;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.Scheduler;
import dev.settle.core.TransactionId;
import dev.settle.core.config.CoordinatorBuilder;
import dev.settle.core.config.CoordinatorSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Background recovery ({@code recoverEvery}): passes run one interval apart on a daemon thread, a
 * failing pass does not end the loop, and stop ends it promptly, never interrupting a pass.
 */
class RecoveryLoopTest {
  /** The smallest protocol builder: exposes the settings. */
  private static final class Settings extends CoordinatorBuilder<Settings> {
    CoordinatorSettings build() {
      return settings();
    }
  }

  /** Counts recovery passes; the first ones fail, as a pass on an unreachable log would. */
  private static class Counting implements Coordinator<Object> {
    final AtomicInteger passes = new AtomicInteger();
    final CountDownLatch three = new CountDownLatch(3);
    volatile int failFirst;
    volatile boolean interruptedInPass;

    @Override
    public Outcome execute(Object transaction) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<Outcome> recover() {
      interruptedInPass |= Thread.currentThread().isInterrupted();
      int n = passes.incrementAndGet();
      three.countDown();
      if (n <= failFirst) {
        throw new IllegalStateException("log unreachable");
      }
      return List.of();
    }

    @Override
    public Optional<Decision> decisionFor(TransactionId transactionId) {
      return Optional.empty();
    }

    @Override
    public void close() {}
  }

  @Test
  void withoutAnIntervalNoLoopRuns() {
    assertThat(RecoveryLoop.startIfAsked(new Counting(), new Settings().build(), "test")).isNull();
  }

  @Test
  void passesRunOneIntervalApartAndAFailingPassDoesNotEndTheLoop() throws Exception {
    Counting coordinator = new Counting();
    coordinator.failFirst = 2;
    RecoveryLoop loop =
        RecoveryLoop.startIfAsked(coordinator, new Settings().recoverEvery(Duration.ofMillis(20)).build(), "test");
    try {
      assertThat(loop).isNotNull();
      assertThat(coordinator.three.await(10, TimeUnit.SECONDS)).as("a third pass after two failures").isTrue();
      assertThat(Thread.getAllStackTraces().keySet())
          .filteredOn(t -> t.getName().equals("settle-test-recovery"))
          .allSatisfy(t -> assertThat(t.isDaemon()).as("never keeps the JVM alive").isTrue());
    } finally {
      loop.stop();
    }
    int after = coordinator.passes.get();
    Thread.sleep(100);
    assertThat(coordinator.passes.get()).as("no pass after stop").isEqualTo(after);
    assertThat(coordinator.interruptedInPass).isFalse();
  }

  @Test
  void everyPassWaitsOneIntervalFirst() throws Exception {
    Counting coordinator = new Counting();
    List<Duration> pauses = new java.util.concurrent.CopyOnWriteArrayList<>();
    RecoveryLoop loop =
        RecoveryLoop.startIfAsked(
            coordinator,
            new Settings()
                .recoverEvery(Duration.ofMillis(30))
                .scheduler(
                    delay -> {
                      pauses.add(delay);
                      Scheduler.system().pause(Duration.ofMillis(1));
                    })
                .build(),
            "test");
    try {
      assertThat(coordinator.three.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      loop.stop();
    }
    assertThat(pauses).hasSizeGreaterThanOrEqualTo(coordinator.passes.get()).containsOnly(Duration.ofMillis(30));
  }

  /** A pass under way when stop() is called runs to its end, uninterrupted, and stop waits for it. */
  @Test
  void stopLetsARunningPassFinishAndWaitsForIt() throws Exception {
    CountDownLatch inPass = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
    Counting coordinator =
        new Counting() {
          @Override
          public List<Outcome> recover() {
            inPass.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              interrupted.set(true);
            }
            interrupted.compareAndSet(false, Thread.currentThread().isInterrupted());
            finished.set(true);
            return List.of();
          }
        };
    RecoveryLoop loop =
        RecoveryLoop.startIfAsked(coordinator, new Settings().recoverEvery(Duration.ofMillis(1)).build(), "test");
    assertThat(inPass.await(10, TimeUnit.SECONDS)).isTrue();
    Thread stopper = new Thread(loop::stop);
    stopper.start();
    Thread.sleep(50); // stop() has marked the loop stopped and is waiting for the pass
    assertThat(finished).isFalse();
    release.countDown();
    stopper.join(10_000);
    assertThat(stopper.isAlive()).isFalse();
    assertThat(finished).as("stop returned only after the pass").isTrue();
    assertThat(interrupted).as("the pass was never interrupted").isFalse();
  }

  @Test
  void stopWakesAWaitingLoopAtOnce() throws Exception {
    Counting coordinator = new Counting();
    CountDownLatch waiting = new CountDownLatch(1);
    RecoveryLoop loop =
        RecoveryLoop.startIfAsked(
            coordinator,
            new Settings()
                .recoverEvery(Duration.ofHours(1))
                .scheduler(
                    delay -> {
                      waiting.countDown();
                      Scheduler.system().pause(delay);
                    })
                .build(),
            "test");
    assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(20); // inside the hour-long wait
    long start = System.nanoTime();
    loop.stop();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(coordinator.passes.get()).isZero();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().equals("settle-test-recovery") && t.isAlive());
  }
}
