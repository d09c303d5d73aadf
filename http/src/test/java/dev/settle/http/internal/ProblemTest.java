package dev.settle.http.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.generators.SourceDSL;

/** The hand-written problem+json codec. */
class ProblemTest {
  @Test
  void writesWhatItReadsForAnyText() {
    QuickTheory.qt()
        .withExamples(500)
        .forAll(SourceDSL.strings().allPossible().ofLengthBetween(0, 40))
        .checkAssert(
            text -> {
              Problem p = Problem.of("urn:settle:problem:refused", "t", text).with("applied", text);
              Problem read = Problem.parse(p.toJson(422));
              assertThat(read.detail()).isEqualTo(text);
              assertThat(read.get("applied")).isEqualTo(text);
              assertThat(read.type()).isEqualTo("urn:settle:problem:refused");
            });
  }

  @Test
  void writesTheStatusAsANumberAndSkipsScalarsWhenReading() {
    String json = new String(Problem.of("urn:x", "t", "d").toJson(409), UTF_8);
    assertThat(json).isEqualTo("{\"type\":\"urn:x\",\"status\":409,\"title\":\"t\",\"detail\":\"d\"}");
    Problem p = Problem.parse(" { \"a\" : 1.5e3 , \"b\":true,\"c\":null, \"d\":\"\\u00e9\\n\" } ".getBytes(UTF_8));
    assertThat(p.members()).containsOnlyKeys("d").containsEntry("d", "é\n");
  }

  @Test
  void rejectsAnythingButAFlatObject() {
    for (String bad :
        new String[] {"", "[]", "{", "{\"a\":}", "{\"a\":{}}", "{\"a\":\"b\"} x", "{\"a\":\"\\q\"}",
            "{\"a\":\"b", "{a:1}", "{\"a\":\"\\u12\"}", "{\"a\":tru}"}) {
      assertThatThrownBy(() -> Problem.parse(bad.getBytes(UTF_8)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a problem document");
    }
  }
}
