package io.lianbang.privacy.secagg;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ForwardingClient;
import io.lianbang.core.random.Seeds;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.ParameterMath;
import java.util.Objects;

/**
 * The client-side half of {@link SecureAggregation}: trains the wrapped client, keeps its update
 * (trained − global) and example count inside this client's {@link SecAggParticipant}, and answers
 * the fit task with a receipt that reveals nothing new: the global parameters it was sent, one
 * example, no metrics. The update leaves only masked, through the participant's protocol messages.
 * A fit task without {@link SecureAggregation#CONFIG_KEY} is refused before training: its server
 * would not run the protocol.
 */
public final class SecAggClient extends ForwardingClient {
  private final SecAggParticipant participant;

  public SecAggClient(Client inner, SecAggParticipant participant) {
    super(Objects.requireNonNull(inner, "inner"));
    this.participant = Objects.requireNonNull(participant, "participant");
  }

  /** This client's protocol endpoint, for the transport. */
  public SecAggParticipant participant() {
    return participant;
  }

  @Override
  public FitResult fit(FitTask task) {
    if (!task.config().getBoolean(SecureAggregation.CONFIG_KEY, false)) {
      throw new IllegalStateException("round " + task.round() + ": the server did not ask for secure aggregation (fit config '"
          + SecureAggregation.CONFIG_KEY + "' is not true), and this client sends its update only masked");
    }
    FitResult trained = delegate().fit(task);
    String mismatch = task.parameters().layoutMismatch(trained.parameters());
    if (mismatch != null) throw new IllegalStateException("trained parameters: " + mismatch);
    float[] delta = ParameterMath.subtractFlat(trained.parameters(), task.parameters());
    participant.setInput(task.round(), delta, trained.numExamples(), Seeds.derive(task.seed(), "secagg-rounding"));
    return new FitResult(task.parameters(), 1, Metrics.empty());
  }
}
