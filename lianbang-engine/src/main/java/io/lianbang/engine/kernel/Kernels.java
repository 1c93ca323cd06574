package io.lianbang.engine.kernel;

import io.lianbang.core.simd.VectorApi;

/**
 * Chooses the {@link Kernel} implementation for this JVM: the Vector API one or the scalar one,
 * as {@link VectorApi} decides (the module {@code jdk.incubator.vector} and JDK 21 or newer, or
 * the system property {@value VectorApi#PROPERTY}).
 *
 * <p>The vector implementation class is loaded reflectively, only when selected or requested,
 * so nothing here links against {@code jdk.incubator.vector} when the module is absent.
 */
public final class Kernels {
  /** System property that forces an implementation: {@code scalar} or {@code vector}. */
  public static final String PROPERTY = VectorApi.PROPERTY;
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
    if (!VectorApi.modulePresent()) {
      throw new IllegalStateException("vector kernels need the module jdk.incubator.vector; "
          + "start the JVM with --add-modules jdk.incubator.vector");
    }
    return VectorHolder.KERNEL;
  }

  /** True if the module {@code jdk.incubator.vector} is in the boot layer. */
  public static boolean vectorModulePresent() {
    return VectorApi.modulePresent();
  }

  /** True if the vector implementation would be chosen without an override. */
  public static boolean vectorPreferred() {
    return VectorApi.preferred();
  }

  private static Kernel select() {
    return VectorApi.selected() ? vector() : scalar();
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
