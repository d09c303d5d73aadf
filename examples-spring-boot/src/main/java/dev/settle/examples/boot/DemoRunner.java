package dev.settle.examples.boot;

import dev.settle.core.Outcome;
import java.io.PrintStream;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * Runs the demo when the application starts and prints what happened; the exit status is 0 when
 * money was conserved and nothing is in doubt, 1 otherwise. {@code example.run-demo=false} leaves
 * it out (the tests run the demo themselves).
 */
@Component
@ConditionalOnBooleanProperty(name = "example.run-demo", matchIfMissing = true)
class DemoRunner implements CommandLineRunner, ExitCodeGenerator {
  private final TransferDemo demo;
  private final PrintStream out = System.out;
  private int exitCode = 1;

  DemoRunner(TransferDemo demo) {
    this.demo = demo;
  }

  @Override
  public void run(String... args) {
    Summary summary = demo.run();
    int n = 0;
    for (Summary.Result r : summary.results()) {
      n++;
      TransferDemo.Transfer t = r.transfer();
      if (r.outcome() instanceof Outcome.Committed) {
        continue;
      }
      String how =
          r.outcome() instanceof Outcome.RolledBack rb
              ? "rolled back, branch " + rb.failedBranch() + " refused: " + why(rb)
              : "NOT SETTLED: " + r.outcome();
      out.printf("transfer %2d  %-5s -> %-5s %6d  %s%n", n, t.from(), t.to(), t.amount(), how);
    }
    out.printf(
        "%d transfers: %d committed, %d rolled back, %d in doubt%n",
        summary.results().size(), summary.committed(), summary.rolledBack(), summary.unsettled());
    out.printf(
        "money before %d, after %d, still held %d: %s%n",
        summary.totalBefore(), summary.totalAfter(), summary.heldAfter(),
        summary.conserved() ? "conserved" : "NOT CONSERVED");
    exitCode = summary.ok() ? 0 : 1;
  }

  private static String why(Outcome.RolledBack rolledBack) {
    Throwable cause = rolledBack.cause();
    return cause == null ? rolledBack.reason() : cause.getMessage();
  }

  @Override
  public int getExitCode() {
    return exitCode;
  }
}
