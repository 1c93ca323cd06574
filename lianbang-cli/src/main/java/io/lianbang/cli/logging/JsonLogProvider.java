package io.lianbang.cli.logging;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of {@link JsonLogger}s, selected by {@link #select()} (the SLF4J property
 * {@code slf4j.provider}) before the first logger is made; it is not registered as a service, so
 * slf4j-simple stays the provider otherwise. Its level is slf4j-simple's: the system property
 * {@code org.slf4j.simpleLogger.defaultLogLevel} ({@code --verbose} sets it to {@code info}), else
 * that of {@code simplelogger.properties}, else {@code info}.
 */
public final class JsonLogProvider implements SLF4JServiceProvider {
  private static final String LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

  private ILoggerFactory loggers;
  private IMarkerFactory markers;
  private MDCAdapter mdc;

  /** A provider, initialized by SLF4J. */
  public JsonLogProvider() {}

  /**
   * Makes SLF4J use this provider when it first makes a logger (without its notice on standard
   * error, which would not be JSON).
   */
  public static void select() {
    System.setProperty("slf4j.provider", JsonLogProvider.class.getName());
    if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "WARN");
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {
    int level = threshold();
    Map<String, Logger> byName = new ConcurrentHashMap<>();
    loggers = name -> byName.computeIfAbsent(name, n -> new JsonLogger(n, level));
    markers = new BasicMarkerFactory();
    mdc = new BasicMDCAdapter();
  }

  /** The threshold ({@link Level#toInt()}), as slf4j-simple reads its default level; {@code off} logs nothing. */
  static int threshold() {
    String name = System.getProperty(LEVEL);
    if (name == null) {
      Properties p = new Properties();
      try (InputStream in = JsonLogProvider.class.getClassLoader().getResourceAsStream("simplelogger.properties")) {
        if (in != null) p.load(in);
      } catch (IOException e) {
        // no file: the default
      }
      name = p.getProperty(LEVEL, "info");
    }
    return switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "trace" -> Level.TRACE.toInt();
      case "debug" -> Level.DEBUG.toInt();
      case "warn" -> Level.WARN.toInt();
      case "error" -> Level.ERROR.toInt();
      case "off" -> JsonLogger.OFF;
      default -> Level.INFO.toInt();
    };
  }
}
