package dev.settle.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Outcome;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

/**
 * Health goes DOWN while a transaction stays in doubt and UP once recovery settles it; the {@code
 * settle} endpoint lists the unfinished transaction and explains it by id.
 */
@SpringBootTest(
    classes = HealthAndEndpointTest.App.class,
    properties = {
      "settle.log.type=memory",
      "settle.recovery.interval=0s",
      "settle.retry.max-attempts=1",
      "settle.health.in-doubt-tolerance=0s"
    })
class HealthAndEndpointTest {
  @Autowired TccCoordinator coordinator;
  @Autowired TccParticipants participants;
  @Autowired Flaky flaky;
  @Autowired SettleRecovery recovery;
  @Autowired SettleHealthIndicator health;
  @Autowired SettleEndpoint endpoint;

  @Test
  void healthIsDownWhileATransactionStaysInDoubtAndTheEndpointExplainsIt() {
    assertThat(health.health().getStatus()).isEqualTo(Status.UP);

    flaky.failing = true;
    Outcome outcome =
        coordinator.execute(
            TccTransaction.builder()
                .branch("one", participants.get("steady"), new byte[0])
                .branch("two", participants.get("flaky"), new byte[0])
                .build());
    assertThat(outcome).isInstanceOf(Outcome.InDoubt.class);
    String id = outcome.transactionId().value();

    var down = health.health();
    assertThat(down.getStatus()).isEqualTo(Status.DOWN);
    assertThat(down.getDetails()).containsEntry("inDoubt", 1);
    assertThat(down.getDetails().get("overdue").toString()).contains(id);

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> unfinished = (List<Map<String, Object>>) endpoint.unfinished().get("unfinished");
    assertThat(unfinished).singleElement().satisfies(t -> {
      assertThat(t).containsEntry("transactionId", id).containsEntry("outcome", "in-doubt").containsEntry("decision", "commit");
      assertThat(t.get("inDoubtSince")).isNotNull();
    });
    Map<String, Object> explained = endpoint.explain(id);
    assertThat(explained).isNotNull().containsEntry("protocol", "tcc");
    assertThat(explained.get("branches").toString()).contains("flaky").contains("steady");

    flaky.failing = false;
    List<Outcome> recovered = recovery.recoverNow();

    assertThat(recovered).singleElement().isInstanceOf(Outcome.Committed.class);
    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    assertThat((List<?>) endpoint.unfinished().get("unfinished")).isEmpty();
    assertThat(recovery.lastPass()).isNotNull();
  }

  @Test
  void theEndpointAnswersNothingForAnUnknownOrMalformedId() {
    assertThat(endpoint.explain("01M98ECS7DE8J066FRAPV0PNWW")).isNull();
    assertThat(endpoint.explain("not an id at all!")).isNull();
  }

  /** A participant whose confirm fails while {@link #failing}. */
  static final class Flaky implements TccParticipant {
    volatile boolean failing;

    @Override
    public String name() {
      return "flaky";
    }

    @Override
    public void tryReserve(TccContext context) {}

    @Override
    public void confirm(TccContext context) {
      if (failing) {
        throw new IllegalStateException("confirm unavailable");
      }
    }

    @Override
    public void cancel(TccContext context) {}
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    Flaky flaky() {
      return new Flaky();
    }

    @Bean
    TccParticipant steady() {
      return new TccParticipant() {
        @Override
        public String name() {
          return "steady";
        }

        @Override
        public void tryReserve(TccContext context) {}

        @Override
        public void confirm(TccContext context) {}

        @Override
        public void cancel(TccContext context) {}
      };
    }
  }
}
