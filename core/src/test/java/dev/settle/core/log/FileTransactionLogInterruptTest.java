package dev.settle.core.log;

import dev.settle.core.log.spi.LogRecord;

import static dev.settle.core.log.FileTransactionLogTest.history;
import static dev.settle.core.log.FileTransactionLogTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.TransactionId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Regression for issue 13, defect 7: a caller's interrupt closed the log's {@code FileChannel}
 * ({@code ClosedByInterruptException}) and every later append on every thread failed. A caller's
 * interrupt must leave the log usable, and the caller must keep its interrupt flag.
 */
class FileTransactionLogInterruptTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Durability.class)
  void aCallerWithItsInterruptFlagSetNeitherClosesTheLogNorLosesItsFlag(Durability mode) throws Exception {
    Path sub = Files.createDirectory(dir.resolve(mode.name()));
    try (FileTransactionLog log = FileTransactionLog.builder(sub).durability(mode).open()) {
      AtomicReference<Boolean> flagAfter = new AtomicReference<>();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread interrupted = new Thread(() -> {
        Thread.currentThread().interrupt();
        try {
          log.append(history("flagged", false), true);
          List<LogRecord> seen = new ArrayList<>();
          log.replay(seen::add); // recovery on an interrupted thread reads too
          assertThat(seen).containsAll(history("flagged", false));
        } catch (Throwable e) {
          failure.set(e);
        }
        flagAfter.set(Thread.currentThread().isInterrupted());
      });
      interrupted.start();
      interrupted.join();
      assertThat(failure.get()).as("an interrupted caller's append completes").isNull();
      assertThat(flagAfter.get()).as("the caller keeps its interrupt flag").isTrue();

      log.append(history("after", false), true); // another thread carries on
      assertThat(read(log)).containsAll(history("after", false));
    } // close() must not throw either
    try (FileTransactionLog log = FileTransactionLog.builder(sub).durability(mode).open()) {
      assertThat(LogReplay.unfinished(log, "tcc"))
          .containsOnlyKeys(TransactionId.of("flagged"), TransactionId.of("after"));
    }
  }

  /**
   * Several threads append (group commit leaders and followers, rollovers) while one of them is
   * interrupted again and again, mid-append. No append may fail, and every record must be there.
   */
  @ParameterizedTest
  @EnumSource(value = Durability.class, names = {"GROUP_COMMIT", "FORCE_EACH"})
  void interruptsMidAppendNeverDisableTheLogForOtherThreads(Durability mode) throws Exception {
    Path sub = Files.createDirectory(dir.resolve(mode.name()));
    int threads = 6;
    int perThread = 50;
    Set<String> appended = ConcurrentHashMap.newKeySet();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicInteger interruptsSeen = new AtomicInteger();
    Assertions.assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
      try (FileTransactionLog log = FileTransactionLog.builder(sub).durability(mode).segmentBytes(8_192).open()) {
        AtomicBoolean go = new AtomicBoolean(); // not a latch: the victim must not be interrupted there
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          workers.add(new Thread(() -> {
            try {
              while (!go.get()) {
                Thread.onSpinWait();
              }
              for (int i = 0; i < perThread; i++) {
                String id = "w" + thread + "-" + i;
                log.append(history(id, i % 3 == 0), true);
                appended.add(id);
                if (Thread.interrupted()) { // the victim keeps its flag; count and clear it
                  interruptsSeen.incrementAndGet();
                }
              }
            } catch (Throwable e) {
              failures.add(e);
            }
          }, "appender-" + t));
        }
        workers.forEach(Thread::start);
        Thread victim = workers.get(0);
        AtomicBoolean stop = new AtomicBoolean();
        Thread interrupter = new Thread(() -> {
          while (!stop.get()) {
            victim.interrupt();
            java.util.concurrent.locks.LockSupport.parkNanos(20_000); // often, without hogging a core
          }
        });
        go.set(true);
        interrupter.start();
        for (Thread w : workers) {
          w.join();
        }
        stop.set(true);
        interrupter.join();
        assertThat(failures).as("no append fails").isEmpty();
        assertThat(interruptsSeen.get()).as("the victim was interrupted while appending").isPositive();
        log.append(history("last", false), true);
      }
    });
    try (FileTransactionLog log = FileTransactionLog.builder(sub).durability(mode).segmentBytes(8_192).open()) {
      Set<String> unfinished = new java.util.HashSet<>();
      LogReplay.unfinished(log, "tcc").keySet().forEach(id -> unfinished.add(id.value()));
      Set<String> expected = new java.util.HashSet<>();
      for (String id : appended) {
        if (Integer.parseInt(id.substring(id.indexOf('-') + 1)) % 3 != 0) {
          expected.add(id);
        }
      }
      expected.add("last");
      assertThat(unfinished).isEqualTo(expected);
    }
  }
}
