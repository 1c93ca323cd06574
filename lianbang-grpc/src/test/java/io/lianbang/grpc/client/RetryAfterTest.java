package io.lianbang.grpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lianbang.grpc.proto.v1.WaitInstruction;
import org.junit.jupiter.api.Test;

/** docs/protocol.md, "Waiting": {@code retry_after_ms} (a uint32) is how long to wait, capped at 60 s by the Java client. */
class RetryAfterTest {
  private static long after(int retryAfterMs) {
    return FederationClient.retryAfterMillis(WaitInstruction.newBuilder().setRetryAfterMs(retryAfterMs).build());
  }

  @Test
  void theWaitIsTheServersUpTo60Seconds() {
    assertEquals(0, after(0), "0: poll again at once");
    assertEquals(1500, after(1500));
    assertEquals(60_000, after(60_000));
    assertEquals(60_000, after(120_000));
    // uint32 values above 2^31 - 1 are long waits, not negative ones
    assertEquals(60_000, after(0x8000_0000));
    assertEquals(60_000, after(0xFFFF_FFFF));
  }
}
