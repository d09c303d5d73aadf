package dev.settle.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rule for README.md: every Java block in it is a region of compiled source, kept between
 * {@code // readme:begin NAME} and {@code // readme:end} (in any module's tests, or in the
 * consumer project under {@code readme/src/it}), and the README holds each region verbatim (less
 * the region's indentation). The same goes for the consumer project's dependency block, between
 * {@code <!-- readme:begin dependencies -->} and {@code <!-- readme:end -->}. Change the code, then
 * paste the region into the README, or the other way round; this test says which one differs.
 */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern BEGIN = Pattern.compile("^(\\s*)(?://|<!--) readme:begin (\\S+)");
  private static final Pattern END = Pattern.compile("^\\s*(?://|<!--) readme:end\\b");

  /** A fenced block of the README. */
  record Block(String language, int line, String text) {}

  /** A marked region of a source file. */
  record Region(String name, Path file, int line, String text) {
    String where() {
      return ROOT.relativize(file) + ":" + line + " (" + name + ")";
    }
  }

  @Test
  void everyJavaBlockOfTheReadmeIsCompiledSource() {
    List<Region> regions = regions();
    List<String> missing = new ArrayList<>();
    for (Block block : blocks()) {
      if (block.language().equals("java")
          && regions.stream().noneMatch(r -> r.text().equals(block.text()))) {
        missing.add("README.md:" + block.line() + ", starting " + firstLine(block.text()));
      }
    }
    assertThat(missing)
        .as("README Java blocks with no identical `// readme:begin` region in the sources"
            + " (compare with the nearest region, fix one or the other)")
        .isEmpty();
  }

  @Test
  void everyMarkedRegionIsInTheReadme() {
    List<Block> blocks = blocks();
    List<String> stale = new ArrayList<>();
    for (Region region : regions()) {
      if (blocks.stream().noneMatch(b -> b.text().equals(region.text()))) {
        stale.add(region.where());
      }
    }
    assertThat(stale).as("marked regions that the README does not hold verbatim").isEmpty();
  }

  @Test
  void theConsumerProjectUsesTheReadmesDependencyBlockAndSnippets() {
    List<String> consumer = regions().stream()
        .filter(r -> r.file().startsWith(ROOT.resolve("readme/src/it/consumer")))
        .map(Region::name)
        .toList();
    assertThat(consumer).contains("dependencies", "tcc", "testkit", "testkit-generators");
    assertThat(regions().stream().map(Region::name)).doesNotHaveDuplicates();
  }

  @Test
  void aRegionThatDiffersByOneCharacterIsCaught() {
    String readme = "text\n```java\nint a = 1;\n  b();\n```\n";
    assertThat(blocks(readme)).containsExactly(new Block("java", 2, "int a = 1;\n  b();"));
    List<Region> found = regions(Path.of("X.java"),
        List.of("class X {", "  void m() {", "    // readme:begin x", "    int a = 1;",
            "      b();", "    // readme:end", "  }"));
    assertThat(found).extracting(Region::text).containsExactly("int a = 1;\n  b();");
    List<Region> changed = regions(Path.of("X.java"),
        List.of("  // readme:begin x", "  int a = 2;", "    b();", "  // readme:end"));
    assertThat(changed.get(0).text()).isNotEqualTo(blocks(readme).get(0).text());
  }

  private static List<Block> blocks() {
    return blocks(read(ROOT.resolve("README.md")));
  }

  static List<Block> blocks(String markdown) {
    List<Block> blocks = new ArrayList<>();
    String[] lines = markdown.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].startsWith("```") && lines[i].length() > 3) {
        int start = i;
        StringBuilder text = new StringBuilder();
        for (i++; i < lines.length && !lines[i].startsWith("```"); i++) {
          text.append(text.length() == 0 && i == start + 1 ? "" : "\n").append(lines[i]);
        }
        blocks.add(new Block(lines[start].substring(3).trim(), start + 1, text.toString()));
      }
    }
    return blocks;
  }

  private static List<Region> regions() {
    List<Region> regions = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      files.filter(f -> !f.toString().contains("/target/") && !f.toString().contains("/.git/"))
          .filter(f -> f.toString().endsWith(".java") || f.getFileName().toString().equals("pom.xml"))
          .filter(Files::isRegularFile)
          .forEach(f -> regions.addAll(regions(f, List.of(read(f).split("\n", -1)))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return regions;
  }

  static List<Region> regions(Path file, List<String> lines) {
    List<Region> regions = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher begin = BEGIN.matcher(lines.get(i));
      if (!begin.find()) {
        continue;
      }
      String indent = begin.group(1);
      int start = i;
      List<String> body = new ArrayList<>();
      for (i++; i < lines.size() && !END.matcher(lines.get(i)).find(); i++) {
        String line = lines.get(i);
        if (!line.isBlank() && !line.startsWith(indent)) {
          throw new AssertionError(file + ":" + (i + 1) + ": a line of region " + begin.group(2)
              + " is indented less than its readme:begin marker");
        }
        body.add(line.isBlank() ? "" : line.substring(indent.length()));
      }
      if (i == lines.size()) {
        throw new AssertionError(file + ":" + (start + 1) + ": region " + begin.group(2)
            + " has no readme:end");
      }
      regions.add(new Region(begin.group(2), file, start + 1, String.join("\n", body)));
    }
    return regions;
  }

  private static String firstLine(String text) {
    return text.lines().findFirst().orElse("");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
