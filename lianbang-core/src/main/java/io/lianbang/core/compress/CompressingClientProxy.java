package io.lianbang.core.compress;

import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An in-process client's compressed uplink: when a fit task asks for an uplink codec, the trained
 * model is turned into the encoded update ({@link UpdateEncoder}, with this client's error-feedback
 * residuals) and back into the model the server reconstructs from it, {@code start +
 * dec(enc(trained − start))}, exactly as a server decodes an update received over the network.
 * The residuals belong to this proxy: one per virtual client.
 */
public final class CompressingClientProxy implements ClientProxy {
  private final ClientProxy inner;
  private UpdateEncoder encoder;

  /** Compresses the updates of {@code inner}. */
  public CompressingClientProxy(ClientProxy inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
  }

  @Override
  public String id() {
    return inner.id();
  }

  @Override
  public CompletableFuture<FitResult> fit(FitTask task, Instant deadline) {
    Transfer t = task.transfer();
    if (t.uplink() == null) return inner.fit(task, deadline);
    return inner.fit(task, deadline).thenApply(r ->
        new FitResult(encode(t, task, r).addTo(task.parameters()), r.numExamples(), r.metrics()));
  }

  private synchronized EncodedTensors encode(Transfer t, FitTask task, FitResult r) {
    if (encoder == null || !encoder.matches(t.uplink(), t.errorFeedback())) encoder = new UpdateEncoder(t.uplink(), t.errorFeedback());
    return encoder.encode(task.parameters(), r.parameters(), task.seed());
  }

  @Override
  public CompletableFuture<EvalResult> evaluate(EvalTask task, Instant deadline) {
    return inner.evaluate(task, deadline);
  }

  @Override
  public String toString() {
    return "CompressingClientProxy[" + inner + "]";
  }
}
