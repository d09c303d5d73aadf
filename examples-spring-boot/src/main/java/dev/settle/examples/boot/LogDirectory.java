package dev.settle.examples.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Creates the file log's directory ({@code settle.log.dir}) before the starter opens the log:
 * {@code FileTransactionLog} requires an existing directory and the starter does not create it,
 * so a first run on a fresh machine would stop at start-up.
 */
final class LogDirectory implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    Environment env = event.getEnvironment();
    if (!"file".equalsIgnoreCase(env.getProperty("settle.log.type", "file"))) {
      return;
    }
    Path dir = Path.of(env.getProperty("settle.log.dir", "settle-log"));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create settle.log.dir " + dir, e);
    }
  }
}
