package dev.settle.tcc.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A call's context is a value: participants and their tests keep contexts in sets and maps (to
 * spot a repeated delivery, for example), so two deliveries of the same call must be equal, and a
 * payload compares by content, never by array identity.
 */
class TccContextTest {
  private final TransactionId tx = TransactionId.of("t1");
  private final BranchId branch = BranchId.of("debit");
  private final Instant deadline = Instant.parse("2026-01-01T00:00:30Z");

  private TccContext context(String tx, String branch, byte[] payload, int attempt, Instant deadline) {
    return new TccContext(TransactionId.of(tx), BranchId.of(branch), payload, attempt, deadline);
  }

  @Test
  void theSameCallDeliveredTwiceIsEqualEvenWithACopiedPayload() {
    TccContext first = context("t1", "debit", new byte[] {1, 2}, 1, deadline);
    TccContext again = context("t1", "debit", new byte[] {1, 2}, 1, deadline);
    assertThat(again).isEqualTo(first).hasSameHashCodeAs(first);
    Set<TccContext> seen = new HashSet<>();
    assertThat(seen.add(first)).isTrue();
    assertThat(seen.add(again)).as("a repeated delivery is recognised").isFalse();
  }

  @Test
  void anyDifferentFieldMakesADifferentCall() {
    TccContext base = context("t1", "debit", new byte[] {1}, 1, deadline);
    assertThat(base)
        .isNotEqualTo(context("t2", "debit", new byte[] {1}, 1, deadline))
        .isNotEqualTo(context("t1", "credit", new byte[] {1}, 1, deadline))
        .isNotEqualTo(context("t1", "debit", new byte[] {2}, 1, deadline))
        .isNotEqualTo(context("t1", "debit", new byte[] {1}, 2, deadline))
        .isNotEqualTo(context("t1", "debit", new byte[] {1}, 1, deadline.plusSeconds(1)))
        .isNotEqualTo("t1/debit");
    assertThat(base.hashCode())
        .isNotEqualTo(context("t1", "credit", new byte[] {1}, 1, deadline).hashCode())
        .isNotEqualTo(context("t2", "debit", new byte[] {1}, 1, deadline).hashCode());
  }

  @Test
  void itNamesTheCallInLogsAndHandsOutCopiesOfThePayload() {
    byte[] payload = {7};
    TccContext ctx = new TccContext(tx, branch, payload, 3, deadline);
    assertThat(ctx.toString()).contains("t1").contains("debit").contains("attempt 3").contains(deadline.toString());
    ctx.payload()[0] = 9; // a participant scribbling on what it was handed
    assertThat(ctx.payload()).containsExactly(7);
  }

  @Test
  void badFieldsAreRefusedByName() {
    assertThatThrownBy(() -> new TccContext(null, branch, new byte[0], 1, deadline)).hasMessageContaining("transactionId");
    assertThatThrownBy(() -> new TccContext(tx, branch, new byte[0], 0, deadline)).hasMessageContaining("attempt");
    assertThatThrownBy(() -> new TccContext(tx, branch, null, 1, deadline)).hasMessageContaining("payload");
  }
}
