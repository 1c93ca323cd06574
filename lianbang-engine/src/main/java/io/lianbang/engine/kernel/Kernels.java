package io.lianbang.engine.kernel;

import java.util.Locale;

/**
 * Chooses the {@link Kernel} implementation for this JVM.
 *
 * <p>The Vector API implementation is used when the module {@code jdk.incubator.vector} is in the
 * boot layer (start the JVM with {@code --add-modules jdk.incubator.vector}) and the JDK feature
 * release is 21 or newer; on older JDKs the same code runs several times slower than on 25, so
 * they get the scalar implementation. The system property {@code lianbang.kernels} set to
 * {@code scalar} or {@code vector} overrides the choice ({@code vector} fails if the module is
 * missing).
 *
 * <p>The vector implementation class is loaded reflectively, only when selected or requested,
 * so nothing here links against {@code jdk.incubator.vector} when the module is absent.
 */
public final class Kernels {
  /** System property that forces an implementation: {@code scalar} or {@code vector}. */
  public static final String PROPERTY = "lianbang.kernels";
  private static final String VECTOR_CLASS = "io.lianbang.engine.kernel.VectorKernel";

  private Kernels() {}

  /** The kernel selected for this JVM (see the class documentation). */
  public static Kernel get() {
    return Selected.KERNEL;
  }

  /** The portable scalar implementation. */
  public static Kernel scalar() {
    return ScalarHolder.KERNEL;
  }

  /**
   * The Vector API implementation.
   *
   * @throws IllegalStateException if the module {@code jdk.incubator.vector} is not in the boot layer
   */
  public static Kernel vector() {
    if (!vectorModulePresent()) {
      throw new IllegalStateException("vector kernels need the module jdk.incubator.vector; "
          + "start the JVM with --add-modules jdk.incubator.vector");
    }
    return VectorHolder.KERNEL;
  }

  /** True if the module {@code jdk.incubator.vector} is in the boot layer. */
  public static boolean vectorModulePresent() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /** True if the vector implementation would be chosen without an override. */
  public static boolean vectorPreferred() {
    return vectorModulePresent() && Runtime.version().feature() >= 21;
  }

  private static Kernel select() {
    String forced = System.getProperty(PROPERTY);
    if (forced == null || forced.isBlank()) {
      return vectorPreferred() ? vector() : scalar();
    }
    switch (forced.trim().toLowerCase(Locale.ROOT)) {
      case "scalar": return scalar();
      case "vector": return vector();
      default:
        throw new IllegalArgumentException(PROPERTY + " must be scalar or vector, got " + forced);
    }
  }

  private static final class Selected {
    static final Kernel KERNEL = select();
  }

  private static final class ScalarHolder {
    static final Kernel KERNEL = new ScalarKernel();
  }

  private static final class VectorHolder {
    static final Kernel KERNEL = load();

    private static Kernel load() {
      try {
        return (Kernel) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        throw new IllegalStateException("vector kernels could not be loaded: " + e, e);
      }
    }
  }
}
