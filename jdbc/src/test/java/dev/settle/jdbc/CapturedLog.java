package dev.settle.jdbc;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What one logger writes at INFO and up while this is open: for tests of the lines an operator
 * reads. Closing puts the logger back as it was.
 */
final class CapturedLog implements AutoCloseable {
  private final Logger logger;
  private final Level before;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private CapturedLog(String name) {
    logger = (Logger) LoggerFactory.getLogger(name);
    before = logger.getLevel();
    logger.setLevel(Level.INFO);
    appender.start();
    logger.addAppender(appender);
  }

  static CapturedLog of(String loggerName) {
    return new CapturedLog(loggerName);
  }

  static CapturedLog of(Class<?> type) {
    return new CapturedLog(type.getName());
  }

  /** The messages written at {@code level} so far that contain {@code text}, in order. */
  List<String> lines(Level level, String text) {
    return appender.list.stream()
        .filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains(text))
        .toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(before);
  }
}
