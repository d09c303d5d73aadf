package dev.settle.core.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No package cycles: within each library module, the packages depend on each other in one
 * direction only. Read from the sources' code (imports and fully qualified names; comments, so
 * javadoc links, do not count, as they do not in the bytecode), so a newcomer can trust the
 * layering the package names promise. Core is strictly layered: {@code core.internal.check}
 * below {@code core}; below them {@code core.spi} and {@code core.log.spi} (what users implement),
 * then the record format {@code core.log.internal}, {@code core.event} and {@code core.log}, then
 * {@code core.config}, then {@code core.internal}.
 *
 * <p>One shape is allowed in the protocol modules: a public package and its own {@code internal}
 * package naming each other, because the public builder creates the implementation and the
 * implementation implements the public interface. Nothing else may join such a pair.
 */
class PackageCyclesTest {
  private static final List<String> LIBRARY = List.of("core", "twopc", "tcc", "saga", "jdbc", "http", "micrometer");
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  /** A package name followed by a type, or by {@code *} in a wildcard import. */
  private static final Pattern REFERENCE =
      Pattern.compile("\\b(dev\\.settle(?:\\.[a-z_][a-z0-9_]*)+)\\.(?:[A-Z]|\\*)");

  @Test
  void coresPackagesFormNoCycle() {
    assertThat(cycles("core")).as("package cycles in core").isEmpty();
  }

  @Test
  void noModuleHasACycleButItsPublicPackageAndItsOwnInternalPackage() {
    Map<String, List<Set<String>>> found = new TreeMap<>();
    for (String module : LIBRARY) {
      List<Set<String>> cycles = new ArrayList<>(cycles(module));
      cycles.removeIf(PackageCyclesTest::publicAndItsInternal);
      if (!cycles.isEmpty()) {
        found.put(module, cycles);
      }
    }
    assertThat(found).as("package cycles other than a public package and its internal package").isEmpty();
  }

  /**
   * What users implement lives in {@code spi} packages below what they call: an {@code spi}
   * package names nothing else of its own module (the API names the SPI, never the reverse), so a
   * participant written against it needs nothing from the coordinator's side.
   */
  @Test
  void everyProtocolHasAnSpiPackageThatNamesNothingElseOfItsModule() {
    Map<String, Set<String>> spiDependencies = new TreeMap<>();
    for (String module : List.of("core", "tcc", "twopc", "saga")) {
      Map<String, Set<String>> graph = graph(module);
      String spi = "dev.settle." + module + ".spi";
      assertThat(graph).as("module %s has package %s", module, spi).containsKey(spi);
      spiDependencies.put(spi, graph.get(spi));
    }
    assertThat(spiDependencies).allSatisfy((spi, names) -> assertThat(names).as(spi).isEmpty());
  }

  /** A log store needs the ids it stores and nothing of the stores Settle ships or their machinery. */
  @Test
  void theLogStoreSpiNamesOnlyTheIdsItStoresAndArgumentChecks() {
    assertThat(graph("core").get("dev.settle.core.log.spi"))
        .containsExactlyInAnyOrder("dev.settle.core", "dev.settle.core.internal.check");
  }

  @Test
  void theCheckFindsACycleWhenThereIsOne() {
    Map<String, Set<String>> graph = new HashMap<>();
    graph.put("a", Set.of("b"));
    graph.put("b", Set.of("c"));
    graph.put("c", Set.of("a"));
    graph.put("d", Set.of("a"));
    assertThat(stronglyConnected(graph)).containsExactly(new TreeSet<>(Set.of("a", "b", "c")));
  }

  @Test
  void onlyCodeCountsAndEveryWayOfNamingAPackageDoes() {
    String source =
        "package dev.settle.zz.a;\n"
            + "import dev.settle.zz.b.*;\n"
            + "class A { String u = \"http://x\"; dev.settle.zz.b_c.C c; String s = \"dev.settle.zz.d.D\";"
            + " /* dev.settle.zz.e.E */ String t = \"text/*\"; dev.settle.zz.f.F f; /* note */ }";
    Matcher ref = REFERENCE.matcher(codeOnly(source));
    Set<String> found = new TreeSet<>();
    while (ref.find()) {
      found.add(ref.group(1));
    }
    assertThat(found)
        .containsExactlyInAnyOrder("dev.settle.zz.b", "dev.settle.zz.b_c", "dev.settle.zz.f");
  }

  /**
   * {@code source} with its comments, string and character literals blanked out, so that only
   * code is left: a URL in a string does not start a comment, and "/*" in a string does not hide
   * code.
   */
  static String codeOnly(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      char next = i + 1 < n ? source.charAt(i + 1) : '\0';
      if (c == '/' && next == '/') {
        while (i < n && source.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && next == '*') {
        int close = source.indexOf("*/", i + 2);
        i = close < 0 ? n : close + 2;
        out.append(' ');
      } else if (c == '"' || c == '\'') {
        boolean block = c == '"' && source.startsWith("\"\"\"", i);
        i += block ? 3 : 1;
        while (i < n) {
          char d = source.charAt(i);
          if (d == '\\') {
            i += 2;
          } else if (block ? source.startsWith("\"\"\"", i) : d == c) {
            i += block ? 3 : 1;
            break;
          } else {
            i++;
          }
        }
        out.append(' ');
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static boolean publicAndItsInternal(Set<String> cycle) {
    if (cycle.size() != 2) {
      return false;
    }
    List<String> two = new ArrayList<>(new TreeSet<>(cycle));
    return two.get(1).equals(two.get(0) + ".internal");
  }

  private static List<Set<String>> cycles(String module) {
    return stronglyConnected(graph(module));
  }

  /** Each package of {@code module}'s main code and the packages of the same module it names. */
  private static Map<String, Set<String>> graph(String module) {
    Path sources = root().resolve(module).resolve("src/main/java");
    Map<String, Set<String>> graph = new HashMap<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String text = codeOnly(Files.readString(file));
        Matcher pkg = PACKAGE.matcher(text);
        if (!pkg.find()) {
          continue; // module-info
        }
        String from = pkg.group(1);
        Set<String> to = graph.computeIfAbsent(from, p -> new TreeSet<>());
        Matcher ref = REFERENCE.matcher(text.substring(pkg.end()));
        while (ref.find()) {
          String target = ref.group(1);
          if (!target.equals(from)) {
            to.add(target);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Only edges between this module's own packages can close a cycle inside it.
    graph.values().forEach(targets -> targets.retainAll(graph.keySet()));
    return graph;
  }

  /** The strongly connected components of more than one package (Tarjan). */
  private static List<Set<String>> stronglyConnected(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new LinkedHashSet<>();
    List<Set<String>> components = new ArrayList<>();
    int[] counter = {0};
    for (String node : new TreeSet<>(graph.keySet())) {
      if (!index.containsKey(node)) {
        connect(node, graph, index, low, stack, onStack, components, counter);
      }
    }
    return components;
  }

  private static void connect(
      String node,
      Map<String, Set<String>> graph,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<Set<String>> components,
      int[] counter) {
    index.put(node, counter[0]);
    low.put(node, counter[0]);
    counter[0]++;
    stack.push(node);
    onStack.add(node);
    for (String next : graph.getOrDefault(node, Set.of())) {
      if (!index.containsKey(next)) {
        connect(next, graph, index, low, stack, onStack, components, counter);
        low.put(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.contains(next)) {
        low.put(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node).equals(index.get(node))) {
      Set<String> component = new TreeSet<>();
      String member;
      do {
        member = stack.pop();
        onStack.remove(member);
        component.add(member);
      } while (!member.equals(node));
      if (component.size() > 1) {
        components.add(component);
      }
    }
  }

  /** The repository root: the parent of core, where the tests run. */
  private static Path root() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("core")) ? here : here.getParent();
  }
}
