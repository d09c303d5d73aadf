package dev.settle.core.log;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of every kind of log record, with awkward ids, payloads and numbers. */
final class LogArbitraries {
  private LogArbitraries() {}

  static Arbitrary<String> ids() {
    return Arbitraries.strings()
        .withChars("abcXYZ019._:-")
        .ofMinLength(1)
        .ofMaxLength(64)
        .filter(s -> !s.isBlank());
  }

  static Arbitrary<byte[]> bytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
  }

  static Arbitrary<LogRecord> records() {
    Arbitrary<TransactionId> tx = ids().map(TransactionId::new);
    Arbitrary<BranchId> branch = ids().map(BranchId::new);
    Arbitrary<LogRecord> begin =
        Combinators.combine(
                tx,
                Arbitraries.strings().ofMinLength(1).ofMaxLength(40).filter(s -> !s.isBlank()),
                Arbitraries.longs(),
                Arbitraries.longs())
            .as(LogRecord.Begin::new);
    Arbitrary<LogRecord> registered =
        Combinators.combine(
                tx,
                branch,
                Arbitraries.strings().ofMinLength(1).ofMaxLength(200).filter(s -> !s.isBlank()),
                bytes())
            .as(LogRecord.BranchRegistered::new);
    Arbitrary<LogRecord> updated =
        Combinators.combine(tx, branch, Arbitraries.of(BranchState.class), bytes())
            .as(LogRecord.BranchUpdated::new);
    Arbitrary<LogRecord> decided =
        Combinators.combine(tx, Arbitraries.of(Decision.class)).as(LogRecord.Decided::new);
    Arbitrary<LogRecord> end = tx.map(LogRecord.End::new);
    return Arbitraries.oneOf(begin, registered, updated, decided, end);
  }
}
