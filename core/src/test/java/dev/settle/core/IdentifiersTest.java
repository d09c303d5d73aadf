package dev.settle.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdentifiersTest {
  @Test
  void acceptsLettersDigitsAndSeparators() {
    assertThat(TransactionId.of("tx-1.a_b:C").value()).isEqualTo("tx-1.a_b:C");
    assertThat(BranchId.of("shard-0").toString()).isEqualTo("shard-0");
  }

  @Test
  void rejectsNullWithTheArgumentName() {
    assertThatThrownBy(() -> TransactionId.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("transaction id must not be null");
    assertThatThrownBy(() -> BranchId.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("branch id must not be null");
  }

  @Test
  void rejectsBlank() {
    assertThatThrownBy(() -> TransactionId.of("  "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("transaction id must not be blank");
  }

  @Test
  void rejectsMoreThanSixtyFourCharacters() {
    assertThat(TransactionId.of("a".repeat(64)).value()).hasSize(64);
    assertThatThrownBy(() -> TransactionId.of("a".repeat(65)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 64 characters, was 65");
  }

  @Test
  void rejectsCharactersUnsafeForFilesSqlAndXa() {
    assertThatThrownBy(() -> BranchId.of("a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("found ' '");
    assertThatThrownBy(() -> TransactionId.of("x'; drop"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void idsCompareByText() {
    assertThat(TransactionId.of("a")).isLessThan(TransactionId.of("b"));
    assertThat(BranchId.of("b1")).isLessThan(BranchId.of("b2"));
    assertThat(TransactionId.of("a")).isEqualTo(TransactionId.of("a"));
  }
}
