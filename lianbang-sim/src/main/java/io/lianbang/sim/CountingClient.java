package io.lianbang.sim;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ForwardingClient;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import java.nio.charset.StandardCharsets;

/**
 * Counts what a simulated client sends in its fit results, for the privacy report: parameters as
 * float32, an 8-byte example count and each metric as its UTF-8 name plus an 8-byte value. Under
 * secure aggregation the fit result is only a receipt whose parameters echo the global model the
 * server sent (the round loop checks their layout); a network transport would send an
 * acknowledgement instead, so those parameters are not counted.
 */
final class CountingClient extends ForwardingClient {
  private final boolean receiptOnly;
  private int rounds;
  private long bytes;

  CountingClient(Client inner, boolean receiptOnly) {
    super(inner);
    this.receiptOnly = receiptOnly;
  }

  @Override
  public FitResult fit(FitTask task) {
    FitResult r = delegate().fit(task);
    long b = (receiptOnly ? 0 : 4 * r.parameters().elementCount()) + 8;
    for (String name : r.metrics().asMap().keySet()) b += name.getBytes(StandardCharsets.UTF_8).length + 8;
    synchronized (this) {
      rounds++;
      bytes += b;
    }
    return r;
  }

  synchronized int rounds() {
    return rounds;
  }

  synchronized long bytes() {
    return bytes;
  }
}
