package dev.settle.examples.cli;

import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.core.log.Explain;
import dev.settle.core.log.Explanation;
import dev.settle.core.log.FileTransactionLog;
import dev.settle.examples.files.DataDirectoryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code explain}: why a wallet's transaction ended as it did, read from the coordinator log in
 * its data directory (or from a {@code wallet --remote} coordinator's directory).
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Tell one transaction's story, or list transactions by outcome, from the coordinator log of a"
          + " wallet data directory: protocol, node, decision and its reason, and each branch's"
          + " participant, state and number of logged updates. Run it while no wallet uses DIR."
    })
public final class ExplainCommand implements Callable<Integer> {
  private static final List<String> OUTCOMES = List.of("committed", "rolled-back", "in-doubt", "heuristic", "undecided");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--data-dir", paramLabel = "DIR", required = true, description = "The wallet's data directory.")
  Path dataDir;

  @Parameters(arity = "0..1", paramLabel = "TXID", description = "The transaction to explain.")
  @Nullable String transaction;

  @Option(names = "--outcome", paramLabel = "OUTCOME", description = "List transactions that ended so: committed, rolled-back, in-doubt, heuristic or undecided.")
  @Nullable String outcome;

  @Option(names = "--limit", defaultValue = "20", description = "With --outcome: at most this many, the latest first (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "One JSON object per transaction, one per line.")
  boolean json;

  @Override
  public Integer call() {
    if ((transaction == null) == (outcome == null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "name a transaction id, or --outcome to list some; not both");
    }
    if (outcome != null && !OUTCOMES.contains(outcome)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--outcome must be one of " + String.join(", ", OUTCOMES) + ", was " + outcome);
    }
    if (limit < 1 || limit > 1_000_000) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 1 to 1000000, was " + limit);
    }
    TransactionId wanted = null;
    if (transaction != null) {
      try {
        wanted = new TransactionId(transaction);
      } catch (IllegalArgumentException bad) {
        throw new CommandLine.ParameterException(spec.commandLine(), "not a transaction id: " + bad.getMessage());
      }
    }
    Path logDir = dataDir.resolve("log");
    if (!Files.isDirectory(logDir)) {
      throw new DataDirectoryException("no coordinator log in " + dataDir + " (expected " + logDir + "); give the --data-dir of a wallet run", null);
    }
    List<Explanation> found;
    try (FileTransactionLog log = open(logDir)) {
      found = wanted == null ? Explain.all(log) : Explain.of(log, wanted).map(List::of).orElse(List.of());
    }
    if (wanted != null && found.isEmpty()) {
      System.err.println("settle-examples explain: no transaction " + wanted + " in " + logDir
          + " (never run here, or compacted away after it ended)");
      return 3;
    }
    List<Explanation> shown = found;
    if (outcome != null) {
      List<Explanation> matching = found.stream().filter(e -> e.outcome().equals(outcome)).toList();
      List<Explanation> latest = new java.util.ArrayList<>(matching.subList(Math.max(0, matching.size() - limit), matching.size()));
      java.util.Collections.reverse(latest);
      shown = latest;
    }
    for (Explanation e : shown) {
      System.out.println(json ? toJson(e) : toText(e));
    }
    return 0;
  }

  private FileTransactionLog open(Path logDir) {
    try {
      return FileTransactionLog.builder(logDir).open();
    } catch (TransactionLogException e) {
      throw new DataDirectoryException(e.getMessage() + (e.getMessage().contains("another coordinator")
          ? " (a wallet process is using " + dataDir + "; explain it once that process has stopped)" : ""), e);
    }
  }

  static String toText(Explanation e) {
    StringBuilder out = new StringBuilder();
    out.append(e.transactionId()).append(": ").append(e.outcome()).append(" (").append(e.protocol());
    if (!e.node().isEmpty()) {
      out.append(" on node ").append(e.node());
    }
    out.append(", began ").append(Instant.ofEpochMilli(e.startMillis())).append(")\n");
    out.append("  decision: ").append(e.decision() == null ? "none logged" : e.decision().name().toLowerCase(Locale.ROOT));
    if (!e.reason().isEmpty()) {
      out.append(", because ").append(e.reason());
    }
    if (e.decidedMillis() >= 0) {
      out.append(" (+").append(since(e, e.decidedMillis())).append(" ms)");
    }
    out.append('\n');
    for (Explanation.Branch b : e.branches()) {
      out.append("  branch ").append(b.id()).append(" (").append(b.participant()).append("): ")
          .append(b.state().name().toLowerCase(Locale.ROOT)).append(", ").append(b.updates()).append(" updates");
      if (b.failure() != null) {
        out.append("; caused the rollback");
      }
      StringBuilder times = new StringBuilder();
      for (Explanation.Update u : b.history()) {
        if (u.atMillis() >= 0) {
          times.append(times.length() == 0 ? "" : ", ").append(u.state().name().toLowerCase(Locale.ROOT))
              .append(" +").append(since(e, u.atMillis())).append(" ms");
        }
      }
      if (times.length() > 0) {
        out.append(" [").append(times).append(']');
      }
      out.append('\n');
    }
    if (e.endedMillis() >= 0) {
      out.append("  ended +").append(e.durationMillis()).append(" ms");
      if (!e.finishedBy().isEmpty()) {
        out.append(", finished by node ").append(e.finishedBy());
      }
      out.append('\n');
    }
    return out.toString().stripTrailing();
  }

  /**
   * Milliseconds from the start to {@code millis}, never negative: a node whose clock runs behind
   * the one that began the transaction may finish it (as {@link Explanation#durationMillis}).
   */
  private static long since(Explanation e, long millis) {
    return Math.max(0, millis - e.startMillis());
  }

  static String toJson(Explanation e) {
    StringBuilder out = new StringBuilder("{");
    field(out, "transactionId", e.transactionId().value()).append(',');
    field(out, "protocol", e.protocol()).append(',');
    field(out, "node", e.node()).append(',');
    out.append("\"startMillis\":").append(e.startMillis()).append(',');
    field(out, "outcome", e.outcome()).append(',');
    field(out, "decision", e.decision() == null ? null : e.decision().name().toLowerCase(Locale.ROOT)).append(',');
    field(out, "reason", e.reason()).append(',');
    field(out, "failedBranch", e.failedBranch() == null ? null : e.failedBranch().value()).append(',');
    out.append("\"decidedMillis\":").append(e.decidedMillis()).append(',');
    out.append("\"endedMillis\":").append(e.endedMillis()).append(',');
    out.append("\"durationMillis\":").append(e.durationMillis()).append(',');
    field(out, "finishedBy", e.finishedBy()).append(',');
    out.append("\"branches\":[");
    for (int i = 0; i < e.branches().size(); i++) {
      Explanation.Branch b = e.branches().get(i);
      out.append(i == 0 ? "{" : ",{");
      field(out, "id", b.id().value()).append(',');
      field(out, "participant", b.participant()).append(',');
      field(out, "state", b.state().name().toLowerCase(Locale.ROOT)).append(',');
      out.append("\"attempts\":").append(b.updates()).append(',');
      field(out, "lastFailure", b.failure()).append(',');
      out.append("\"history\":[");
      for (int j = 0; j < b.history().size(); j++) {
        Explanation.Update u = b.history().get(j);
        out.append(j == 0 ? "{" : ",{");
        field(out, "state", u.state().name().toLowerCase(Locale.ROOT)).append(',');
        out.append("\"atMillis\":").append(u.atMillis()).append('}');
      }
      out.append("]}");
    }
    return out.append("]}").toString();
  }

  private static StringBuilder field(StringBuilder out, String name, @Nullable String value) {
    out.append('"').append(name).append("\":");
    if (value == null) {
      return out.append("null");
    }
    out.append('"');
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }
}
