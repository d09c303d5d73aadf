package dev.settle.http;

import dev.settle.core.internal.check.Assert;
import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.MdcScope;
import dev.settle.http.internal.Answers;
import dev.settle.http.internal.Checks;
import dev.settle.http.internal.JdbcStepAdapter;
import dev.settle.http.internal.RequestParser;
import dev.settle.http.internal.StepAdapter;
import dev.settle.http.internal.Traceparent;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.fence.InMemoryTccFence;
import dev.settle.tcc.fence.JdbcTccFence;
import dev.settle.tcc.fence.JdbcTccParticipant;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The participant side: takes a request (method, path, headers, body), runs the local, fenced
 * participant or saga step it names, and returns the answer {@link WireFormat} defines. It has no
 * web framework of its own: {@link JdkHttpServerEndpoint} serves it on the JDK's HTTP server, and
 * a servlet or Spring controller can call {@link #handle} the same way.
 *
 * <p>Routes: {@code POST {basePath}/{name}/try|confirm|cancel} for each TCC participant and
 * {@code POST {basePath}/{name}/action|compensate} for each saga step, where {@code name} is the
 * participant's or service's {@link dev.settle.core.spi.Participant#name()}.
 *
 * <p>Every call passes a fence keyed by (transaction id, branch id): duplicates are no-ops, a
 * Cancel before its Try leaves the flag that refuses the late Try, and a Try or action that
 * arrives after its deadline is refused unless it repeats one that was applied (which is answered
 * done, as every repeat). Business code runs on the request's thread with
 * no lock of the endpoint held. Bodies larger than {@code maxBodyBytes} are refused with 413
 * without being read further.
 *
 * <pre>{@code
 * ParticipantEndpoint endpoint = ParticipantEndpoint.builder()
 *     .basePath("/settle")
 *     .tcc(new AccountsShard("shard-1"))        // fenced by the endpoint's in-memory fence
 *     .build();
 * }</pre>
 *
 * <p><b>Thread safety.</b> Thread-safe, and its settings immutable once built (only the count of
 * {@linkplain #abandonedCalls() abandoned calls} changes): {@link #handle} may be called
 * from any number of request threads at once; the fences it holds order the calls of one branch,
 * and the business code runs on the request's thread.
 */
public final class ParticipantEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(ParticipantEndpoint.class);
  private static final long ABANDONED_WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final String basePath;
  private final Map<String, Route> tcc;
  private final Map<String, Route> saga;
  private final Clock clock;
  private final int maxBodyBytes;
  private final AtomicLong abandoned = new AtomicLong();
  private final AtomicLong lastAbandonedWarning = new AtomicLong(System.nanoTime() - ABANDONED_WARNING_INTERVAL_NANOS);

  /**
   * A served participant.
   *
   * @param checkDeadline whether the endpoint refuses a late Try itself: only for participants
   *     fenced elsewhere, whose fence it cannot vouch for. Its own fence judges the deadline with
   *     the branch's record in hand, so that a late duplicate of a Try that was applied is
   *     answered "done", as it must be, and not "refused".
   */
  private record Route(TccParticipant target, boolean checkDeadline) {}

  private ParticipantEndpoint(Builder b, Map<String, Route> tcc, Map<String, Route> saga) {
    this.basePath = b.basePath;
    this.tcc = Map.copyOf(tcc);
    this.saga = Map.copyOf(saga);
    this.clock = b.clock;
    this.maxBodyBytes = b.maxBodyBytes;
  }

  /** A builder with no participants, base path {@code ""} and a 1 MiB body limit. */
  public static Builder builder() {
    return new Builder();
  }

  /** The largest request body accepted. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Handles a request whose body has already been read. */
  public EndpointResponse handle(
      String method, String path, Map<String, List<String>> headers, byte[] body) {
    return handle(method, path, headers, new ByteArrayInputStream(body));
  }

  /**
   * Handles a request, reading at most {@link #maxBodyBytes()} + 1 bytes of its body.
   *
   * @param method the HTTP method
   * @param path the request path, undecoded, without query
   * @param headers the request headers (names compared without case)
   * @param body the request body
   */
  public EndpointResponse handle(
      String method, String path, Map<String, List<String>> headers, InputStream body) {
    return handle(method, path, headers, body, Duration.ZERO);
  }

  /**
   * Handles a request that waited {@code queued} between its arrival and now (in a server's
   * queue, say). If that is at least as long as the caller waits ({@link
   * WireFormat#CALL_TIMEOUT_HEADER}), nothing runs and the answer is {@code 503} {@link
   * WireFormat#PROBLEM_ABANDONED}: the caller has given up and counts the call unknown, so running
   * it would only add work to a participant that is already behind.
   *
   * @param method the HTTP method
   * @param path the request path, undecoded, without query
   * @param headers the request headers (names compared without case)
   * @param body the request body
   * @param queued how long the request waited before this call, measured on a monotonic clock
   *     ({@link System#nanoTime()}, not the wall clock, which can jump); negative counts as zero
   */
  public EndpointResponse handle(
      String method,
      String path,
      Map<String, List<String>> headers,
      InputStream body,
      Duration queued) {
    Assert.notNull(queued, "queued");
    String prefix = basePath + "/";
    if (!path.startsWith(prefix)) {
      return Answers.malformed(404, "no route " + path);
    }
    String[] parts = path.substring(prefix.length()).split("/", -1);
    if (parts.length != 2) {
      return Answers.malformed(404, "no route " + path);
    }
    String name = parts[0];
    String operation = parts[1];
    boolean isSaga = WireFormat.SAGA_OPERATIONS.contains(operation);
    @Nullable Route target =
        isSaga ? saga.get(name) : WireFormat.TCC_OPERATIONS.contains(operation) ? tcc.get(name) : null;
    if (target == null) {
      return Answers.malformed(404, "no participant or step \"" + name + "\" taking " + operation);
    }
    if (!method.equals("POST")) {
      EndpointResponse refused = Answers.malformed(405, operation + " takes POST, not " + method);
      Map<String, String> allow = new LinkedHashMap<>(refused.headers());
      allow.put("Allow", "POST");
      return new EndpointResponse(405, allow, refused.body());
    }
    long callerWaitsMillis;
    try {
      callerWaitsMillis = RequestParser.callTimeoutMillis(headers);
    } catch (RequestParser.Malformed e) {
      return Answers.malformed(e.status, String.valueOf(e.getMessage()));
    }
    if (callerWaitsMillis > 0 && !queued.isNegative() && queued.toMillis() >= callerWaitsMillis) {
      return abandoned(name, operation, headers, queued, callerWaitsMillis);
    }
    TccContext context;
    try {
      context = RequestParser.context(headers, RequestParser.body(body, maxBodyBytes));
    } catch (RequestParser.Malformed e) {
      return Answers.malformed(e.status, String.valueOf(e.getMessage()));
    } catch (IOException e) {
      return Answers.malformed(400, "the body could not be read: " + e);
    }
    // The caller's trace, for the participant's own log lines (and a tracer that reads the MDC).
    String traceparent = Traceparent.canonical(RequestParser.header(headers, WireFormat.TRACEPARENT_HEADER));
    if (traceparent == null) {
      return run(target, operation, isSaga, context);
    }
    String previousTrace = MDC.get(Traceparent.TRACE_ID);
    String previousParent = MDC.get(Traceparent.MDC_KEY);
    MDC.put(Traceparent.TRACE_ID, traceparent.substring(3, 35));
    MDC.put(Traceparent.MDC_KEY, traceparent); // canonical: never more than 55 characters
    try {
      return run(target, operation, isSaga, context);
    } finally {
      restore(Traceparent.TRACE_ID, previousTrace);
      restore(Traceparent.MDC_KEY, previousParent);
    }
  }

  private EndpointResponse abandoned(
      String name, String operation, Map<String, List<String>> headers, Duration queued, long callerWaitsMillis) {
    long count = abandoned.incrementAndGet();
    String detail = operation + " " + callId(headers) + " for " + name + " waited " + queued.toMillis()
        + " ms in the endpoint's queue and its caller waits " + callerWaitsMillis + " ms: not run";
    long now = System.nanoTime();
    long last = lastAbandonedWarning.get();
    if (now - last >= ABANDONED_WARNING_INTERVAL_NANOS && lastAbandonedWarning.compareAndSet(last, now)) {
      // Once a minute at most: an overloaded endpoint sheds many calls, and a line each would
      // bury everything else.
      LOG.warn("{} ({} such calls so far): the participant is slower than its callers wait; "
          + "give the server more threads, the database more capacity, or the callers a longer "
          + "call timeout", detail, count);
    } else {
      LOG.debug("{}", detail);
    }
    return Answers.problem(503, WireFormat.PROBLEM_ABANDONED, "abandoned by its caller", detail);
  }

  /**
   * {@code transaction/branch} from the headers, for a log line about a call that is not run (so
   * not parsed further); {@code ?} for whichever is missing or is no valid id.
   */
  private static String callId(Map<String, List<String>> headers) {
    return validOrUnknown(RequestParser.header(headers, WireFormat.TRANSACTION_HEADER), true)
        + "/" + validOrUnknown(RequestParser.header(headers, WireFormat.BRANCH_HEADER), false);
  }

  private static String validOrUnknown(@Nullable String id, boolean transaction) {
    if (id == null) {
      return "?";
    }
    try {
      return transaction ? TransactionId.of(id).value() : BranchId.of(id).value();
    } catch (IllegalArgumentException notAnId) {
      return "?"; // never a client's arbitrary text in the log
    }
  }

  /**
   * How many requests this endpoint answered {@link WireFormat#PROBLEM_ABANDONED} without running
   * them, because they waited in its queue longer than their callers wait.
   */
  public long abandonedCalls() {
    return abandoned.get();
  }

  private static void restore(String key, @Nullable String previous) {
    if (previous == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, previous);
    }
  }

  private EndpointResponse run(
      Route route, String operation, boolean isSaga, TccContext context) {
    TccParticipant target = route.target();
    boolean forward = operation.equals("try") || operation.equals("action");
    String what = operation + " " + context.transactionId() + "/" + context.branchId();
    if (forward && route.checkDeadline() && clock.instant().isAfter(context.deadline())) {
      return Answers.problem(
          409,
          WireFormat.PROBLEM_TRY_REFUSED,
          "try refused",
          what + ": its deadline " + context.deadline() + " has passed");
    }
    // The transaction id in the MDC: the participant's own log lines can be found by it.
    try (MdcScope mdc = MdcScope.open(context.transactionId())) {
      switch (operation) {
        case "try", "action" -> target.tryReserve(context);
        case "confirm" -> target.confirm(context);
        default -> target.cancel(context);
      }
    } catch (RuntimeException e) {
      return Answers.failure(e, forward, isSaga, what);
    }
    LOG.debug("{}: done", what);
    return Answers.done();
  }

  @Override
  public String toString() {
    return "ParticipantEndpoint[" + basePath + "/, tcc=" + tcc.keySet() + ", saga=" + saga.keySet()
        + "]";
  }

  /** Settings of a {@link ParticipantEndpoint}. */
  public static final class Builder {
    private String basePath = "";
    private final List<TccParticipant> unfenced = new ArrayList<>();
    private final List<TccParticipant> fenced = new ArrayList<>();
    private final List<StepService> steps = new ArrayList<>();
    private final List<TccParticipant> judgedByFence = new ArrayList<>();
    private final List<TccParticipant> jdbcSteps = new ArrayList<>();
    private @Nullable InMemoryTccFence fence;
    private Clock clock = Clock.systemUTC();
    private int maxBodyBytes = 1024 * 1024;

    private Builder() {}

    /** The path the routes hang under, such as {@code "/settle"} (default: the root). */
    public Builder basePath(String basePath) {
      Assert.notNull(basePath, "basePath");
      String trimmed = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
      Assert.isTrue(
          trimmed.isEmpty() || trimmed.matches("(/[A-Za-z0-9._-]+)+"),
          "basePath \"" + basePath + "\" must be empty or like /a/b (letters, digits, '.', '-', '_')");
      this.basePath = trimmed;
      return this;
    }

    /** Serves {@code participant}, guarded by this endpoint's in-memory fence. */
    public Builder tcc(TccParticipant participant) {
      unfenced.add(Assert.notNull(participant, "participant"));
      return this;
    }

    /**
     * Serves a participant that is already fenced ({@code fence.protect(p)}, or {@code
     * JdbcTccFence.protect(dataSource, p)} to keep the fence row in the business transaction).
     * The endpoint adds no fence of its own; it refuses a Try past its deadline itself, before
     * the participant's fence sees it (a Settle fence would refuse it too).
     */
    public Builder fencedTcc(TccParticipant participant) {
      fenced.add(Assert.notNull(participant, "participant"));
      return this;
    }

    /**
     * Serves a participant whose resource is a database, fenced by {@code fence} in the same
     * local transaction as its business change (a shortcut for {@code
     * fencedTcc(fence.protect(dataSource, participant))} that lets the fence judge late Tries).
     */
    public Builder tcc(JdbcTccFence fence, DataSource dataSource, JdbcTccParticipant participant) {
      Assert.notNull(fence, "fence");
      judgedByFence.add(fence.protect(dataSource, participant));
      return this;
    }

    /**
     * Serves a saga step whose resource is a database: the action and the compensation each run
     * in one local transaction with the step's fence row.
     */
    public Builder saga(JdbcTccFence fence, DataSource dataSource, JdbcStepService service) {
      Assert.notNull(fence, "fence");
      jdbcSteps.add(fence.protect(dataSource, new JdbcStepAdapter(Assert.notNull(service, "service"))));
      return this;
    }

    /** Serves a saga step's action and compensation, guarded by this endpoint's fence. */
    public Builder saga(StepService service) {
      steps.add(Assert.notNull(service, "service"));
      return this;
    }

    /**
     * The fence for {@link #tcc} participants and {@link #saga} steps; by default one in-memory
     * fence per endpoint, on the endpoint's clock, keeping records ten minutes past their
     * deadline. Share one with whatever else must see the branch
     * records (a cleanup job, tests).
     */
    public Builder fence(InMemoryTccFence fence) {
      this.fence = Assert.notNull(fence, "fence");
      return this;
    }

    /** The clock that judges deadlines (default: the system clock). */
    public Builder clock(Clock clock) {
      this.clock = Assert.notNull(clock, "clock");
      return this;
    }

    /** The largest request body accepted (default 1 MiB); a longer one gets 413. */
    public Builder maxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = Assert.atLeast(maxBodyBytes, 0, "maxBodyBytes");
      return this;
    }

    /**
     * The endpoint.
     *
     * @throws IllegalArgumentException if nothing is served, or two participants or two steps
     *     share a name, or a name is not a path segment
     */
    public ParticipantEndpoint build() {
      // The default fence judges deadlines by the endpoint's clock.
      InMemoryTccFence f = fence == null ? new InMemoryTccFence(clock, Duration.ofMinutes(10)) : fence;
      Map<String, Route> tcc = new LinkedHashMap<>();
      for (TccParticipant p : unfenced) {
        put(tcc, p.name(), new Route(f.protect(p), false), "participant");
      }
      for (TccParticipant p : fenced) {
        put(tcc, p.name(), new Route(p, true), "participant");
      }
      for (TccParticipant p : judgedByFence) {
        put(tcc, p.name(), new Route(p, false), "participant");
      }
      Map<String, Route> saga = new LinkedHashMap<>();
      for (StepService s : steps) {
        put(saga, s.name(), new Route(f.protect(new StepAdapter(s)), false), "step service");
      }
      for (TccParticipant s : jdbcSteps) {
        put(saga, s.name(), new Route(s, false), "step service");
      }
      Assert.isTrue(!tcc.isEmpty() || !saga.isEmpty(), "the endpoint serves nothing; add tcc(...) or saga(...)");
      return new ParticipantEndpoint(this, tcc, saga);
    }

    private static void put(Map<String, Route> routes, String name, Route p, String what) {
      Checks.segment(name, what + " name");
      Assert.isTrue(
          routes.putIfAbsent(name, p) == null, "two " + what + "s are named \"" + name + "\"");
    }
  }
}
