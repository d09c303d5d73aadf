package dev.settle.twopc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * A participant whose name() returns null or blank is reported by who it is and where it was
 * used, not as "NullPointerException: null" (issue 13, defect 13).
 */
class ParticipantNameTest {
  static final class Nameless extends Node {
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
      return "the nameless node";
    }
  }

  @Test
  void registeringAParticipantWithANullOrBlankNameSaysWhich() {
    assertThatThrownBy(() -> TwoPhaseCoordinator.builder().participant(new Nameless(null)))
        .hasMessageContaining("the nameless node")
        .hasMessageContaining("null name");
    assertThatThrownBy(() -> TwoPhaseCoordinator.builder().participant(new Nameless(" ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank name");
  }

  @Test
  void enlistingAParticipantWithoutANameSaysWhichBranch() {
    assertThatThrownBy(() -> TwoPhaseTransaction.builder().enlist("a", new Nameless(null)).build())
        .hasMessageContaining("branch a")
        .hasMessageContaining("the nameless node")
        .hasMessageContaining("null name");
  }
}
