package io.lianbang.cli.run;

import io.lianbang.cli.VersionProvider;
import io.lianbang.engine.kernel.Kernels;
import java.util.LinkedHashMap;
import java.util.Map;

/** Facts about the machine and runtime a run happens on, for the header and {@code history.json}. */
public final class RunEnvironment {
  private RunEnvironment() {}

  /**
   * The kernels the engine selects in this JVM, e.g. {@code vector(256-bit)} or {@code scalar}
   * (see {@link Kernels}).
   *
   * @throws IllegalArgumentException if the {@code lianbang.kernels} property is invalid
   */
  public static String kernels() {
    return Kernels.get().name();
  }

  /** A note on how to get the vector kernels, or empty if they are in use. */
  public static String kernelsHint(String kernels) {
    if (kernels.startsWith("vector")) return "";
    return Runtime.version().feature() >= 21
        ? " (start the JVM with --add-modules jdk.incubator.vector for the vector kernels)"
        : " (run on JDK 21+ with --add-modules jdk.incubator.vector for the vector kernels)";
  }

  /** The environment as an ordered map with snake_case keys. */
  public static Map<String, Object> describe(String kernels, int threads) {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("lianbang_version", VersionProvider.version());
    env.put("java_version", System.getProperty("java.version"));
    env.put("java_vendor", System.getProperty("java.vendor"));
    env.put("java_vm", System.getProperty("java.vm.name"));
    env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    env.put("available_processors", Runtime.getRuntime().availableProcessors());
    env.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    env.put("kernels", kernels);
    env.put("threads", threads);
    return env;
  }
}
