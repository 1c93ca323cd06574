package io.lianbang.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Calls bounded by a deadline. */
class DeadlinesTest {
  @Test
  void nanosLeftIsZeroOncePastAndAtMostTheRemainingTimeBefore() {
    assertEquals(0, Deadlines.nanosLeft(Instant.now().minusSeconds(5)));
    long left = Deadlines.nanosLeft(Instant.now().plus(Duration.ofHours(1)));
    assertTrue(left > 0 && left <= Duration.ofHours(1).toNanos(), Long.toString(left));
  }

  @Test
  void aCallStillRunningAtThePassedDeadlineFailsWithATimeoutAndAFinishedOneCompletes() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    CountDownLatch release = new CountDownLatch(1);
    try {
      CompletableFuture<String> blocked = Deadlines.supplyAsync(() -> {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return "late";
      }, pool, Instant.now().minusSeconds(1));
      ExecutionException e = assertThrows(ExecutionException.class, () -> blocked.get(30, TimeUnit.SECONDS));
      assertInstanceOf(TimeoutException.class, e.getCause());
      release.countDown();
      assertEquals("done", Deadlines.supplyAsync(() -> "done", pool, Instant.now().plusSeconds(60)).get(30, TimeUnit.SECONDS));
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }
}
