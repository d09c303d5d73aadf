package dev.settle.examples.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLI's processes for the multi-process tests: each a child JVM whose stdout and stderr go to
 * files (so a full pipe never blocks it), killed with SIGKILL at the end whatever happened.
 */
final class Children implements AutoCloseable {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Path dir;
  private final List<Process> started = new ArrayList<>();
  private int count;

  Children(Path dir) {
    this.dir = dir;
  }

  /** A started process and where its output goes. */
  record Child(String name, Process process, Path outFile, Path errFile) {
    String out() throws IOException {
      return Files.readString(outFile);
    }

    String err() throws IOException {
      return Files.readString(errFile);
    }

    /** Waits for "listening on PORT" on stdout and returns the port. */
    int port() throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      Pattern listening = Pattern.compile("listening on (\\d+)");
      while (true) {
        Matcher m = listening.matcher(out());
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
        assertThat(process.isAlive()).as("%s exited before listening: %s", name, err()).isTrue();
        assertThat(System.nanoTime()).as("%s never listened: %s", name, err()).isLessThan(deadline);
        Thread.sleep(50);
      }
    }

    /** Waits for the process to end and returns the last line of its stdout, after asserting exit 0. */
    String finish(long seconds) throws Exception {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        // A hang is the bug to find: leave every process's threads in the test's output first.
        System.err.println(threadDumps(name));
      }
      assertThat(process.isAlive()).as("%s did not finish in %d s: %s", name, seconds, tail(err())).isFalse();
      assertThat(process.exitValue()).as("%s failed: %s%n%s", name, out(), tail(err())).isZero();
      String s = out().strip();
      return s.substring(s.lastIndexOf('\n') + 1);
    }

    void kill() throws InterruptedException {
      process.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  /**
   * The thread dumps ({@code jcmd PID Thread.print}) of every CLI child of this test JVM still
   * running, for a test that found {@code who} hung; at most a few hundred lines each.
   */
  static String threadDumps(String who) {
    StringBuilder out = new StringBuilder("== " + who + " hung; thread dumps of the children still running:\n");
    List<ProcessHandle> alive = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    String jcmd = System.getProperty("java.home") + File.separator + "bin" + File.separator + "jcmd";
    for (ProcessHandle p : alive) {
      String command = p.info().commandLine().orElse("?");
      if (!command.contains("SettleCli")) {
        continue;
      }
      out.append("== pid ").append(p.pid()).append(' ').append(command, Math.max(0, command.length() - 200), command.length()).append('\n');
      try {
        Process dump = new ProcessBuilder(jcmd, Long.toString(p.pid()), "Thread.print").redirectErrorStream(true).start();
        String text = new String(dump.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        dump.waitFor(30, TimeUnit.SECONDS);
        text.lines().limit(400).forEach(line -> out.append(line).append('\n'));
      } catch (IOException | InterruptedException e) {
        out.append("(no dump: ").append(e).append(")\n");
      }
    }
    return out.toString();
  }

  /** Starts {@code settle-examples args} in a child JVM. */
  Child start(String name, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    // Several JVMs share a small machine: a quick JIT and a small heap start them sooner.
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-Xss512k"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.settle.examples.cli.SettleCli");
    command.addAll(List.of(args));
    int n = ++count;
    Path out = dir.resolve(n + "-" + name + ".out");
    Path err = dir.resolve(n + "-" + name + ".err");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    synchronized (started) {
      started.add(p);
    }
    return new Child(name, p, out, err);
  }

  /** {@code GET url}'s body, or null if nothing answered. */
  static String get(String url) {
    try {
      HttpResponse<String> r = CLIENT.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static long number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":(-?\\d+)").matcher(json);
    assertThat(m.find()).as("%s in %s", key, json).isTrue();
    return Long.parseLong(m.group(1));
  }

  static String tail(String text) {
    return text.substring(Math.max(0, text.length() - 6_000));
  }

  @Override
  public void close() {
    synchronized (started) {
      for (Process p : started) {
        p.destroyForcibly();
      }
      // Dead before the temporary directory is deleted, so no file is still held open.
      for (Process p : started) {
        try {
          p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
