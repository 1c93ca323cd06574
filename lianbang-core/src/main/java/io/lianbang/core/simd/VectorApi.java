package io.lianbang.core.simd;

import java.util.Locale;

/**
 * Whether this JVM runs the Vector API implementations (the engine's kernels, the codecs' 8-bit
 * quantiser) or their portable scalar twins, which give the same results bit for bit.
 *
 * <p>The Vector API is used when the module {@code jdk.incubator.vector} is in the boot layer
 * (start the JVM with {@code --add-modules jdk.incubator.vector}; the {@code lianbang} launcher
 * does) and the JDK feature release is 21 or newer; older JDKs run the same code several times
 * slower than 25, so they get the scalar implementations. The system property {@value #PROPERTY}
 * set to {@code scalar} or {@code vector} overrides the choice ({@code vector} fails if the module
 * is missing). Classes that use the Vector API are loaded reflectively, only when selected, so
 * nothing links against {@code jdk.incubator.vector} when the module is absent.
 */
public final class VectorApi {
  /** System property that forces an implementation: {@code scalar} or {@code vector}. */
  public static final String PROPERTY = "lianbang.kernels";

  private VectorApi() {}

  /** True if the module {@code jdk.incubator.vector} is in the boot layer. */
  public static boolean modulePresent() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /** True if the vector implementations would be chosen without an override. */
  public static boolean preferred() {
    return modulePresent() && Runtime.version().feature() >= 21;
  }

  /**
   * Whether to use the vector implementations: {@link #PROPERTY} if set, else {@link #preferred()}.
   *
   * @throws IllegalArgumentException if the property is neither {@code scalar} nor {@code vector}
   * @throws IllegalStateException if it is {@code vector} and the module is missing
   */
  public static boolean selected() {
    String forced = System.getProperty(PROPERTY);
    if (forced == null || forced.isBlank()) return preferred();
    switch (forced.trim().toLowerCase(Locale.ROOT)) {
      case "scalar":
        return false;
      case "vector":
        if (!modulePresent()) {
          throw new IllegalStateException("vector kernels need the module jdk.incubator.vector; "
              + "start the JVM with --add-modules jdk.incubator.vector");
        }
        return true;
      default:
        throw new IllegalArgumentException(PROPERTY + " must be scalar or vector, got " + forced);
    }
  }
}
