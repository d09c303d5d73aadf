package dev.settle.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * {@code --version}: the POM's version, which the build writes into {@code version.properties}
 * (a filtered resource), so that no release has to remember to change a literal.
 */
final class VersionProvider implements CommandLine.IVersionProvider {
  /** The version the build wrote, or "unknown" when run from unfiltered sources. */
  static String version() {
    Properties properties = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = properties.getProperty("version", "");
    return version.isEmpty() || version.startsWith("${") ? "unknown" : version;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"settle-examples " + version()};
  }
}
