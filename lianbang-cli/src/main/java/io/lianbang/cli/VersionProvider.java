package io.lianbang.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version and git commit from the build, with the Java runtime it is running on. */
public final class VersionProvider implements IVersionProvider {
  /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return property("version");
  }

  /**
   * The abbreviated git commit the build was made from, followed by {@code -dirty} if the work tree
   * had uncommitted changes, or {@code unknown} when it was not built from a git checkout.
   */
  public static String commit() {
    String commit = property("commit");
    if (!commit.matches("[0-9a-f]{7,40}")) return "unknown"; // git failed: no commit, or a message
    return "true".equals(property("dirty")) ? commit + "-dirty" : commit;
  }

  /** A property of the filtered version.properties; "unknown" if it is missing or was not filled in. */
  private static String property(String name) {
    try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      String value = p.getProperty(name, "").strip();
      return value.isEmpty() || value.startsWith("${") ? "unknown" : value;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "lianbang " + version() + " (commit " + commit() + ")",
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
          + System.getProperty("java.vendor") + ")"
    };
  }
}
