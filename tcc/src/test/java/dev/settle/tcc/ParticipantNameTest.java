package dev.settle.tcc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * A participant whose name() returns null or blank is reported by who it is and where it was
 * used, not as "NullPointerException: null" (issue 13, defect 13).
 */
class ParticipantNameTest {
  static final class Nameless extends Ledger {
    private final String name;

    Nameless(String name) {
      super("unused");
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String toString() {
      return "the nameless shard";
    }
  }

  @Test
  void registeringAParticipantWithANullOrBlankNameSaysWhich() {
    assertThatThrownBy(() -> TccCoordinator.builder().participant(new Nameless(null)))
        .hasMessageContaining("the nameless shard")
        .hasMessageContaining("null name");
    assertThatThrownBy(() -> TccCoordinator.builder().participant(new Nameless("  ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the nameless shard")
        .hasMessageContaining("blank name");
  }

  @Test
  void aBranchWhoseParticipantHasNoNameSaysWhichBranch() {
    assertThatThrownBy(
            () -> TccTransaction.builder().branch("debit", new Nameless(null), "A:-1").build())
        .hasMessageContaining("branch debit")
        .hasMessageContaining("the nameless shard")
        .hasMessageContaining("null name");
    assertThatThrownBy(() -> TccTransaction.builder().branch("credit", new Nameless(""), "C:1").build())
        .hasMessageContaining("branch credit")
        .hasMessageContaining("blank name");
  }
}
