package io.lianbang.cli.logging;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A logger that writes each event to standard error as one JSON object on one line:
 * {@code ts} (ISO-8601, UTC, milliseconds), {@code level}, {@code logger}, {@code thread},
 * {@code msg} and, for an event with a throwable, {@code exception} (its stack trace).
 */
final class JsonLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

  /** Above every level: a logger that writes nothing. */
  static final int OFF = Level.ERROR.toInt() + 10;

  private final int threshold;

  /**
   * A logger called {@code name} that writes events whose {@link Level#toInt()} is at least
   * {@code threshold} ({@link #OFF}: none).
   */
  JsonLogger(String name, int threshold) {
    this.name = name;
    this.threshold = threshold;
  }

  private boolean enabled(Level level) {
    return level.toInt() >= threshold;
  }

  @Override
  public boolean isTraceEnabled() {
    return enabled(Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return enabled(Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return enabled(Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return enabled(Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return enabled(Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
    String line = line(Instant.now(), level, name, Thread.currentThread().getName(),
        MessageFormatter.basicArrayFormat(pattern, arguments), throwable);
    System.err.println(line); // println is atomic per line
    System.err.flush();
  }

  /** The JSON line of one event. */
  static String line(Instant ts, Level level, String logger, String thread, String msg, Throwable throwable) {
    StringBuilder b = new StringBuilder(128);
    b.append("{\"ts\":\"").append(TS.format(ts)).append('"');
    field(b, "level", level.toString());
    field(b, "logger", logger);
    field(b, "thread", thread);
    field(b, "msg", msg == null ? "null" : msg);
    if (throwable != null) {
      StringWriter trace = new StringWriter();
      throwable.printStackTrace(new PrintWriter(trace));
      field(b, "exception", trace.toString());
    }
    return b.append('}').toString();
  }

  private static void field(StringBuilder b, String key, String value) {
    b.append(",\"").append(key).append("\":\"");
    JsonStringEncoder.getInstance().quoteAsString(value, b);
    b.append('"');
  }
}
