package dev.settle.core.log;

import dev.settle.core.log.spi.LogRecord;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import java.util.Arrays;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** QuickTheories generators of every kind of log record, with awkward ids, payloads and numbers. */
public final class LogGenerators {
  private static final String ID_CHARS = "abcXYZ019._:-";
  private static final int SURROGATES = 0xE000 - 0xD800;

  private LogGenerators() {}

  /** Ids of 1 to 64 characters from a small alphabet that includes the separators. */
  static Gen<String> ids() {
    return lists()
        .of(integers().between(0, ID_CHARS.length() - 1))
        .ofSizeBetween(1, 64)
        .map(LogGenerators::idOf);
  }

  /**
   * Text of {@code min} to {@code max} code points anywhere in Unicode (multi-byte UTF-8 and
   * supplementary planes included), minus lone surrogates, which no Java string that came from a
   * user would hold as text; never blank.
   */
  static Gen<String> text(int min, int max) {
    return lists()
        .of(integers().between(0, Character.MAX_CODE_POINT - SURROGATES))
        .ofSizeBetween(min, max)
        .map(LogGenerators::textOf)
        .assuming(s -> !s.isBlank());
  }

  /** Byte arrays of up to {@code max} bytes, printed as their contents on failure. */
  public static Gen<byte[]> bytes(int max) {
    return Generate.byteArrays(
            integers().between(0, max), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0))
        .describedAs(Arrays::toString);
  }

  public static Gen<LogRecord> records() {
    Gen<TransactionId> tx = ids().map(TransactionId::new);
    Gen<BranchId> branch = ids().map(BranchId::new);
    Gen<LogRecord> begin = tx.zip(text(1, 40), longs().all(), longs().all(), LogRecord.Begin::new);
    // A node name or none: the codec writes the two as different record types.
    Gen<String> node = Generate.oneOf(Generate.constant(""), ids().map(id -> id.length() > 16 ? id.substring(0, 16) : id));
    Gen<LogRecord> beginOnNode =
        tx.zip(text(1, 40), longs().all(), node, (t, protocol, millis, n) -> new LogRecord.Begin(t, protocol, millis, millis + 1, n));
    Gen<LogRecord> registered = tx.zip(branch, text(1, 200), bytes(300), LogRecord.BranchRegistered::new);
    Gen<LogRecord> updated =
        tx.zip(branch, Generate.enumValues(BranchState.class), bytes(300), LogRecord.BranchUpdated::new);
    Gen<LogRecord> decided = tx.zip(Generate.enumValues(Decision.class), LogRecord.Decided::new);
    // Reasons up to the longest kept and past it (cut on the way in), in any script.
    Gen<String> reason = Generate.oneOf(text(1, 300), text(990, 1010));
    Gen<String> failed = Generate.oneOf(Generate.constant(""), ids());
    Gen<LogRecord> decidedWithReason =
        tx.zip(Generate.enumValues(Decision.class), reason, failed,
            (t, d, why, f) -> new LogRecord.Decided(t, d, why, f.isEmpty() ? null : new BranchId(f)));
    Gen<LogRecord> end = tx.map(t -> new LogRecord.End(t));
    // Timed records (what coordinators write now): a time, and for the End the finishing node.
    // The epoch itself (a clock at 0) is a time too, not "not recorded".
    Gen<Long> time = Generate.oneOf(Generate.constant(0L), longs().between(0, Long.MAX_VALUE));
    Gen<LogRecord> updatedAt =
        tx.zip(branch, Generate.enumValues(BranchState.class), time, (t, b, st, at) -> new LogRecord.BranchUpdated(t, b, st, new byte[0], at));
    Gen<LogRecord> decidedAt =
        tx.zip(Generate.enumValues(Decision.class).zip(failed, DecisionBy::new), reason, time,
            (t, by, why, at) -> new LogRecord.Decided(t, by.decision(), why, by.failedBranch(), at));
    Gen<LogRecord> endBy = tx.zip(node, time, LogRecord.End::new);
    return Generate.oneOf(begin, beginOnNode, registered, updated, decided, decidedWithReason, end, updatedAt, decidedAt, endBy);
  }

  /** A decision and the branch that caused it (none when empty). */
  private record DecisionBy(Decision decision, String failed) {
    BranchId failedBranch() {
      return failed.isEmpty() ? null : new BranchId(failed);
    }
  }

  private static String idOf(List<Integer> picks) {
    StringBuilder id = new StringBuilder(picks.size());
    picks.forEach(i -> id.append(ID_CHARS.charAt(i)));
    return id.toString();
  }

  private static String textOf(List<Integer> codePoints) {
    StringBuilder text = new StringBuilder(codePoints.size() * 2);
    // Skip the surrogate block, so every code point maps to a real character.
    codePoints.forEach(c -> text.appendCodePoint(c >= 0xD800 ? c + SURROGATES : c));
    return text.toString();
  }
}
