package dev.settle.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.LogRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each durability mode forces the file exactly when it promises to: a forced append under
 * FORCE_EACH and GROUP_COMMIT before it returns, an unforced one never, and nothing under NONE.
 * The counter is what an operator reads to see the disk's share of a transaction's cost.
 */
class FileLogDurabilityModesTest {
  @TempDir Path dir;

  private static List<LogRecord> decision(int i) {
    TransactionId tx = TransactionId.of("t" + i);
    return List.of(new LogRecord.Begin(tx, "2pc", 0, 1), new LogRecord.Decided(tx, Decision.COMMIT));
  }

  private long forcesAfter(Durability durability, boolean force, int appends) throws java.io.IOException {
    Path logDir = java.nio.file.Files.createDirectories(dir.resolve(durability + "-" + force));
    try (FileTransactionLog log = FileTransactionLog.builder(logDir).durability(durability).open()) {
      long before = log.forces();
      for (int i = 0; i < appends; i++) {
        log.append(decision(i), force);
      }
      return log.forces() - before;
    }
  }

  @Test
  void forceEachForcesEveryForcedAppendAndNoUnforcedOne() throws Exception {
    assertThat(forcesAfter(Durability.FORCE_EACH, true, 5)).isEqualTo(5);
    assertThat(forcesAfter(Durability.FORCE_EACH, false, 5)).isZero();
  }

  @Test
  void groupCommitForcesAForcedAppendFromOneThreadOnceEach() throws Exception {
    // One thread has nobody to share a flush with: one force per forced append, none otherwise.
    assertThat(forcesAfter(Durability.GROUP_COMMIT, true, 5)).isEqualTo(5);
    assertThat(forcesAfter(Durability.GROUP_COMMIT, false, 5)).isZero();
  }

  @Test
  void noneNeverForcesAndStillKeepsWhatWasAppended() throws Exception {
    assertThat(forcesAfter(Durability.NONE, true, 5)).isZero();
    try (FileTransactionLog reopened = FileTransactionLog.builder(dir.resolve("NONE-true")).open()) {
      assertThat(LogReplay.all(reopened)).hasSize(5);
    }
  }
}
