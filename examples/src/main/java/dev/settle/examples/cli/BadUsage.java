package dev.settle.examples.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * A usage error is one line on stderr, naming the problem and where help is, and exit status 2:
 * the whole usage text would bury the one sentence that matters.
 */
final class BadUsage implements CommandLine.IParameterExceptionHandler {
  @Override
  public int handleParseException(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    String problem = e.getMessage() == null ? "bad usage" : e.getMessage().strip();
    String first = problem.lines().findFirst().orElse(problem);
    String name = command.getCommandSpec().qualifiedName();
    PrintWriter err = command.getErr();
    err.println(name + ": " + first + " (try " + name + " --help)");
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }
}
