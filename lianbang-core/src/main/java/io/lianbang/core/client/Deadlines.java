package io.lianbang.core.client;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Calls bounded by an absolute deadline. */
public final class Deadlines {
  private Deadlines() {}

  /** The nanoseconds from now until {@code deadline}; 0 once it has passed. */
  public static long nanosLeft(Instant deadline) {
    return Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
  }

  /**
   * Runs {@code call} on {@code executor}; the returned future fails with a
   * {@link java.util.concurrent.TimeoutException} if the call has not finished by {@code deadline}.
   */
  public static <T> CompletableFuture<T> supplyAsync(Supplier<T> call, Executor executor, Instant deadline) {
    long nanos = nanosLeft(deadline);
    return CompletableFuture.supplyAsync(call, executor).orTimeout(nanos, TimeUnit.NANOSECONDS);
  }
}
