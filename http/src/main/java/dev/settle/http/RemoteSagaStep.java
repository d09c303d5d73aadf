package dev.settle.http;

import dev.settle.core.internal.check.Assert;
import dev.settle.http.internal.Checks;
import dev.settle.http.internal.HttpCaller;
import dev.settle.saga.spi.SagaContext;
import dev.settle.saga.spi.StepAction;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * A saga step whose action and compensation run in another process, reached over HTTP: {@code
 * POST {baseUri}/action} and {@code POST {baseUri}/compensate} (see {@link WireFormat}), served by
 * a {@link ParticipantEndpoint} around a {@link StepService}. Put its {@link #action()} and
 * {@link #compensation()} into a {@link dev.settle.saga.SagaDefinition} registered with the
 * coordinator, so a resumed saga reaches the same service.
 *
 * <p>Answers are read as for {@link RemoteTccParticipant}: a 2xx is done; a 422 {@code refused}
 * or 409 {@code try-refused} (an action that arrived after its compensation) is a clean failure
 * and the step is not compensated; anything that leaves the outcome unknown throws {@link
 * dev.settle.core.ParticipantTimeoutException}, so the saga compensates the step too (the service's
 * fence makes that a no-op if the action never ran).
 *
 * <p>Each action carries a deadline one call timeout from when it is sent; the endpoint refuses
 * an action that arrives later, because by then the caller has counted it unknown and may already
 * be compensating.
 *
 * <pre>{@code
 * RemoteSagaStep debit = RemoteSagaStep.builder(URI.create("http://10.0.0.5:8081/settle/debit"))
 *     .payload(ctx -> ("A:" + ctx.get(AMOUNT)).getBytes(UTF_8))
 *     .build();
 * SagaDefinition transfer = SagaDefinition.builder("transfer")
 *     .step("debit", debit.action(), debit.compensation())
 *     ...
 * }</pre>
 *
 * <p>Thread-safe and immutable once built, like the {@code HttpClient} it calls through: one
 * instance serves every saga and thread of a coordinator.
 */
public final class RemoteSagaStep {
  private final HttpCaller caller;
  private final Function<SagaContext, byte[]> payload;
  private final Clock clock;

  private RemoteSagaStep(HttpCaller caller, Function<SagaContext, byte[]> payload, Clock clock) {
    this.caller = caller;
    this.payload = payload;
    this.clock = clock;
  }

  /** A builder for the step served at {@code baseUri}. */
  public static Builder builder(URI baseUri) {
    return new Builder(baseUri);
  }

  /** The action: {@code POST {baseUri}/action} with the payload built from the context. */
  public StepAction action() {
    return ctx -> send("action", ctx);
  }

  /** The compensation: {@code POST {baseUri}/compensate} with the same payload. */
  public StepAction compensation() {
    return ctx -> send("compensate", ctx);
  }

  private void send(String operation, SagaContext ctx) {
    byte[] body = Assert.notNull(payload.apply(ctx), "payload of step " + ctx.step());
    caller.call(
        operation,
        ctx.transactionId(),
        ctx.step(),
        ctx.attempt(),
        clock.instant().plus(caller.callTimeout()),
        body);
  }

  @Override
  public String toString() {
    return "RemoteSagaStep[" + caller + "]";
  }

  /** Settings of a {@link RemoteSagaStep}. */
  public static final class Builder {
    private final URI baseUri;
    private HttpClient client = SharedClient.get();
    private Duration callTimeout = Duration.ofSeconds(5);
    private int maxAnswerBytes = 64 * 1024;
    private Function<SagaContext, byte[]> payload = ctx -> new byte[0];
    private Clock clock = Clock.systemUTC();

    private Builder(URI baseUri) {
      this.baseUri = Checks.baseUri(baseUri);
    }

    /** What to send, built from the saga's context (default: an empty body). */
    public Builder payload(Function<SagaContext, byte[]> payload) {
      this.payload = Assert.notNull(payload, "payload");
      return this;
    }

    /** The client to send with; by default one shared HTTP/1.1 client. */
    public Builder client(HttpClient client) {
      this.client = Assert.notNull(client, "client");
      return this;
    }

    /**
     * How long one call may take, answer body included (default 5 s); also how long after sending
     * an action the endpoint still accepts it. Keep it below the coordinator's {@code
     * callTimeout}.
     */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = Assert.positive(callTimeout, "callTimeout");
      return this;
    }

    /** The largest answer body read (default 64 KiB). */
    public Builder maxAnswerBytes(int maxAnswerBytes) {
      this.maxAnswerBytes = Assert.atLeast(maxAnswerBytes, 1, "maxAnswerBytes");
      return this;
    }

    /** The clock that sets each action's deadline (default: the system clock). */
    public Builder clock(Clock clock) {
      this.clock = Assert.notNull(clock, "clock");
      return this;
    }

    /** The step. */
    public RemoteSagaStep build() {
      return new RemoteSagaStep(
          new HttpCaller(client, baseUri, callTimeout, maxAnswerBytes), payload, clock);
    }
  }
}
