package io.lianbang.grpc.client;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.text.Abbreviation;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.wire.Encodings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link FederationClient} talks to its server.
 *
 * @param name the name sent at registration (the identity only on servers that accept anonymous
 *     clients; otherwise the certificate or token decides)
 * @param pollWait how long the server may hold a task poll
 * @param rpcTimeout the deadline of every short call (register, heartbeat) and the margin added to
 *     polls; transfers use the task's deadline
 * @param giveUpAfter how long the server may stay unreachable before {@link FederationClient#run}
 *     gives up
 * @param initialBackoff the first wait before retrying an unreachable server; doubled (with
 *     jitter) after every failure up to {@code maxBackoff}
 * @param maxBackoff the longest wait between retries
 * @param maxModelBytes the largest model a task may declare, in bytes of tensor values; a task
 *     declaring more is refused (reported to the server as a {@code TaskError}) before anything
 *     is allocated or downloaded
 * @param maxModelTensors the most tensors a task's model may declare; more are refused likewise
 * @param modelLayout the shapes of the model this client trains, sent at registration so that the
 *     server refuses a mismatch at once; null declares nothing
 * @param codecs the codec names this client declares at registration (dense codecs and sparse
 *     selectors, {@link Encodings#all()} by default): the server encodes downloads and asks for
 *     encoded updates only with these; empty for float32 both ways
 */
public record ClientSettings(String name, Duration pollWait, Duration rpcTimeout, Duration giveUpAfter,
    Duration initialBackoff, Duration maxBackoff, long maxModelBytes, int maxModelTensors, List<int[]> modelLayout,
    List<String> codecs) {

  /** The default {@link #maxModelBytes()}: 1 GiB. */
  public static final long DEFAULT_MAX_MODEL_BYTES = 1L << 30;
  /** The default {@link #maxModelTensors()}: 100,000. */
  public static final int DEFAULT_MAX_MODEL_TENSORS = 100_000;

  /** @throws IllegalArgumentException naming the setting if one is out of range */
  public ClientSettings {
    Objects.requireNonNull(name, "name");
    positive("pollWait", pollWait);
    positive("rpcTimeout", rpcTimeout);
    positive("giveUpAfter", giveUpAfter);
    positive("initialBackoff", initialBackoff);
    positive("maxBackoff", maxBackoff);
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is below initialBackoff " + initialBackoff);
    }
    if (maxModelBytes <= 0) throw new IllegalArgumentException("maxModelBytes must be positive, got " + maxModelBytes);
    if (maxModelTensors <= 0) throw new IllegalArgumentException("maxModelTensors must be positive, got " + maxModelTensors);
    if (modelLayout != null) {
      List<int[]> copy = new ArrayList<>(modelLayout.size());
      for (int[] shape : modelLayout) copy.add(Objects.requireNonNull(shape, "modelLayout shape").clone());
      modelLayout = List.copyOf(copy);
    }
    codecs = List.copyOf(Objects.requireNonNull(codecs, "codecs"));
    for (String c : codecs) {
      if (!Encodings.all().contains(c)) {
        throw new IllegalArgumentException("codecs: unknown codec name '" + Abbreviation.abbreviate(c) + "' (valid: "
            + String.join(", ", Encodings.all()) + ")");
      }
    }
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive, got " + d);
  }

  /**
   * Defaults: 20 s polls, 30 s call deadlines, give up after 5 minutes unreachable, backoff 200 ms
   * to 10 s, models up to 1 GiB and 100,000 tensors, no declared layout, every codec declared.
   */
  public static ClientSettings defaults(String name) {
    return new ClientSettings(name, Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofMinutes(5),
        Duration.ofMillis(200), Duration.ofSeconds(10), DEFAULT_MAX_MODEL_BYTES, DEFAULT_MAX_MODEL_TENSORS, null, Encodings.all());
  }

  /** The same settings declaring {@code names} as the codecs this client supports; none for float32 both ways. */
  public ClientSettings withCodecs(List<String> names) {
    return new ClientSettings(name, pollWait, rpcTimeout, giveUpAfter, initialBackoff, maxBackoff, maxModelBytes, maxModelTensors, modelLayout,
        names);
  }

  public ClientSettings withGiveUpAfter(Duration d) {
    return new ClientSettings(name, pollWait, rpcTimeout, d, initialBackoff, maxBackoff, maxModelBytes, maxModelTensors, modelLayout, codecs);
  }

  public ClientSettings withPollWait(Duration d) {
    return new ClientSettings(name, d, rpcTimeout, giveUpAfter, initialBackoff, maxBackoff, maxModelBytes, maxModelTensors, modelLayout, codecs);
  }

  public ClientSettings withBackoff(Duration initial, Duration max) {
    return new ClientSettings(name, pollWait, rpcTimeout, giveUpAfter, initial, max, maxModelBytes, maxModelTensors, modelLayout, codecs);
  }

  /** The same settings with other model limits. */
  public ClientSettings withModelLimits(long maxBytes, int maxTensors) {
    return new ClientSettings(name, pollWait, rpcTimeout, giveUpAfter, initialBackoff, maxBackoff, maxBytes, maxTensors, modelLayout, codecs);
  }

  /** The same settings declaring the layout (the tensors' shapes; the values are ignored) of {@code model}. */
  public ClientSettings withModelLayout(Parameters model) {
    List<int[]> shapes = new ArrayList<>(model.count());
    for (Tensor t : model.tensors()) shapes.add(t.shape());
    return new ClientSettings(name, pollWait, rpcTimeout, giveUpAfter, initialBackoff, maxBackoff, maxModelBytes, maxModelTensors, shapes, codecs);
  }
}
