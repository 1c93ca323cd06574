package io.lianbang.grpc.client;

import io.lianbang.core.compress.Codec;
import io.lianbang.core.compress.UpdateEncoder;
import io.lianbang.core.tensor.Parameters;
import java.util.Objects;

/**
 * What a {@link FederationClient} keeps between tasks of one run for compressed transfers: the
 * start model of its last fit task (to report {@code held_round} and to add delta downloads to),
 * and the {@link UpdateEncoder} with its error-feedback residuals. It belongs to the client, not to
 * a session, so it survives a reconnection; it is reset when the run id changes. Thread-safe.
 */
final class CompressionState {
  private String runId;
  private int heldRound;
  private Parameters heldStart;
  private UpdateEncoder encoder;

  /** Enters run {@code runId}: if it is another run than before, forgets the held model and the residuals. */
  synchronized void enter(String runId) {
    if (Objects.equals(this.runId, runId)) return;
    this.runId = runId;
    heldRound = 0;
    heldStart = null;
    encoder = null;
  }

  /** The round whose fit-task start this client holds, 0 for none. */
  synchronized int heldRound() {
    return heldRound;
  }

  /** The start of fit round {@code round} if this client holds it, else null. */
  synchronized Parameters start(int round) {
    return round > 0 && round == heldRound ? heldStart : null;
  }

  /** Holds {@code start}, the model fit round {@code round} starts from. */
  synchronized void hold(int round, Parameters start) {
    heldRound = round;
    heldStart = Objects.requireNonNull(start, "start");
  }

  /** The encoder of updates in {@code codec} with or without error feedback: the current one if it matches, else a new one (fresh residuals). */
  synchronized UpdateEncoder encoder(Codec codec, boolean errorFeedback) {
    if (encoder == null || !encoder.matches(codec, errorFeedback)) encoder = new UpdateEncoder(codec, errorFeedback);
    return encoder;
  }

  /** The error-feedback residual of tensor {@code t} of {@code length} values (zeros if there is none). */
  synchronized float[] residual(int t, int length) {
    return encoder == null ? new float[length] : encoder.residual(t, length);
  }
}
