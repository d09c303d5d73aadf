package dev.settle.http;

import dev.settle.core.internal.check.Assert;
import dev.settle.http.internal.Checks;
import dev.settle.http.internal.HttpCaller;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * A TCC participant in another process, reached over HTTP; register it with the coordinator like
 * a local one ({@code .participant(remote)}), so recovery after a crash finds it again by {@link
 * #name()}. Each call is one {@code POST} to {@code {baseUri}/try}, {@code /confirm} or {@code
 * /cancel} as described in {@link WireFormat}, served by a {@link ParticipantEndpoint}.
 *
 * <p><b>How answers are read.</b> Nothing is ever taken for success but a 2xx, and nothing is
 * taken for a definite failure unless the request provably did not take effect:
 *
 * <table>
 *   <caption>answer to caller outcome</caption>
 *   <tr><th>answer</th><th>the call throws</th><th>meaning</th></tr>
 *   <tr><td>2xx</td><td>nothing</td><td>done</td></tr>
 *   <tr><td>409 {@code try-refused}</td><td>{@link dev.settle.tcc.TryRefusedException}</td>
 *       <td>the fence refused the Try; nothing reserved</td></tr>
 *   <tr><td>409 {@code fence-violation}</td><td>{@link dev.settle.tcc.FenceViolationException}</td>
 *       <td>the call contradicts the branch's record; nothing changed</td></tr>
 *   <tr><td>409 {@code heuristic}</td><td>{@link dev.settle.core.HeuristicBranchException}</td>
 *       <td>the branch ended as the {@code applied} member says</td></tr>
 *   <tr><td>422 {@code refused}</td><td>{@link dev.settle.core.BusinessRefusalException} when
 *       the document's {@code refusal} member is {@code business}, else {@link
 *       dev.settle.core.ParticipantException}</td>
 *       <td>the participant said no, or its code threw; nothing applied</td></tr>
 *   <tr><td>connection refused, connect timeout</td><td>{@link
 *       dev.settle.core.ParticipantException}</td><td>nothing was sent</td></tr>
 *   <tr><td>timeout of the whole exchange, reset or closed connection after sending, 5xx, 408,
 *       429, any other status, a 409 or 422 without a Settle problem body, an answer larger than
 *       the limit</td><td>{@link dev.settle.core.ParticipantTimeoutException}</td>
 *       <td>outcome unknown: a Try is cancelled, a Confirm or Cancel retried and, if it never
 *       succeeds, reported in doubt</td></tr>
 * </table>
 *
 * <pre>{@code
 * TccParticipant shard1 = RemoteTccParticipant.builder("shard-1",
 *         URI.create("http://10.0.0.5:8081/settle/shard-1"))
 *     .callTimeout(Duration.ofSeconds(2))
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe and immutable once built, like the {@code HttpClient} it calls through: one
 * instance serves every transaction and thread of a coordinator.
 */
public final class RemoteTccParticipant implements TccParticipant {
  private final String name;
  private final HttpCaller caller;

  private RemoteTccParticipant(String name, HttpCaller caller) {
    this.name = name;
    this.caller = caller;
  }

  /**
   * A builder for the participant called {@code name} (the name the coordinator logs; keep it
   * stable across restarts) served at {@code baseUri}.
   */
  public static Builder builder(String name, URI baseUri) {
    return new Builder(name, baseUri);
  }

  @Override
  public String name() {
    return name;
  }

  /** Sends the Try with the transaction's deadline; the endpoint refuses it once that passed. */
  @Override
  public void tryReserve(TccContext context) {
    send("try", context);
  }

  @Override
  public void confirm(TccContext context) {
    send("confirm", context);
  }

  @Override
  public void cancel(TccContext context) {
    send("cancel", context);
  }

  private void send(String operation, TccContext c) {
    caller.call(
        operation, c.transactionId(), c.branchId(), c.attempt(), c.deadline(), c.payload());
  }

  @Override
  public String toString() {
    return "RemoteTccParticipant[" + name + " at " + caller + "]";
  }

  /** Settings of a {@link RemoteTccParticipant}. */
  public static final class Builder {
    private final String name;
    private final URI baseUri;
    private HttpClient client = SharedClient.get();
    private Duration callTimeout = Duration.ofSeconds(5);
    private int maxAnswerBytes = 64 * 1024;

    private Builder(String name, URI baseUri) {
      this.name = Assert.notBlank(name, "name");
      this.baseUri = Checks.baseUri(baseUri);
    }

    /** The client to send with; by default one shared HTTP/1.1 client with a 2 s connect timeout. */
    public Builder client(HttpClient client) {
      this.client = Assert.notNull(client, "client");
      return this;
    }

    /**
     * How long one call may take, answer body included, before its outcome counts as unknown
     * (default 5 s). Keep it below the coordinator's {@code tryTimeout} and {@code callTimeout}.
     */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = Assert.positive(callTimeout, "callTimeout");
      return this;
    }

    /** The largest answer body read (default 64 KiB); a larger one counts as unknown. */
    public Builder maxAnswerBytes(int maxAnswerBytes) {
      this.maxAnswerBytes = Assert.atLeast(maxAnswerBytes, 1, "maxAnswerBytes");
      return this;
    }

    /** The participant. */
    public RemoteTccParticipant build() {
      return new RemoteTccParticipant(
          name, new HttpCaller(client, baseUri, callTimeout, maxAnswerBytes));
    }
  }
}
