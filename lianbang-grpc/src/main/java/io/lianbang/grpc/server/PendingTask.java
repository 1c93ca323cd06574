package io.lianbang.grpc.server;

import io.lianbang.core.client.Deadlines;
import io.lianbang.core.compress.Codec;
import io.lianbang.core.compress.EncodedTensors;
import io.lianbang.core.compress.Transfer;
import io.lianbang.core.task.Config;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.grpc.wire.Encodings;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A task sent to one remote client and not yet answered: a {@link Fit}, an {@link Evaluate} (both
 * {@link ModelTask}s, whose parameters the client downloads) or a secure-aggregation
 * {@link SecAgg} stage, whose request travels in the task itself, or a {@link Paillier} request for
 * the client's encrypted contribution.
 */
abstract sealed class PendingTask permits PendingTask.ModelTask, PendingTask.SecAgg, PendingTask.Paillier {
  private static final SecureRandom RANDOM = new SecureRandom();

  enum Kind { FIT, EVALUATE, SECAGG, PAILLIER }

  final String id;
  final int round;
  final Instant deadline;
  /** Completes with a FitResult, EvalResult, SecAggMessage or EncryptedVector, or exceptionally; completion closes the task. */
  final CompletableFuture<Object> result = new CompletableFuture<>();
  /** Set while an upload for this task is in progress; at most one at a time. */
  final AtomicBoolean uploading = new AtomicBoolean();

  private PendingTask(String id, int round, Instant deadline) {
    this.id = Objects.requireNonNull(id, "id");
    this.round = round;
    this.deadline = Objects.requireNonNull(deadline, "deadline");
  }

  /** The kind of task, as named in task ids and messages. */
  abstract Kind kind();

  /** The kind in lower case, as in messages: {@code fit}, {@code evaluate}, {@code secagg}, {@code paillier}. */
  final String kindName() {
    return kind().name().toLowerCase(Locale.ROOT);
  }

  /** A task on the model: the client downloads {@link #parameters} and trains or evaluates with {@link #config}. */
  abstract static sealed class ModelTask extends PendingTask permits Fit, Evaluate {
    final Parameters parameters;
    final Config config;

    private ModelTask(String id, int round, Parameters parameters, Config config, Instant deadline) {
      super(id, round, deadline);
      this.parameters = Objects.requireNonNull(parameters, "parameters");
      this.config = Objects.requireNonNull(config, "config");
    }
  }

  /**
   * Training on the client's data from {@link #parameters}, with {@link #seed} for every random
   * choice; {@link #transfer} says how the model and the result may travel, and each delivery of
   * the task decides, for the session it goes to, how they do ({@link #deliver}).
   */
  static final class Fit extends ModelTask {
    final long seed;
    final Transfer transfer;
    /** The encoded download of the latest delivery, or null to send {@link #parameters} as float32. */
    private volatile EncodedTensors download;
    /** The codec the latest delivery asked the update in, or null for a float32 trained model. */
    private volatile Codec upload;

    Fit(String id, int round, Parameters parameters, Config config, long seed, Transfer transfer, Instant deadline) {
      super(id, round, parameters, config, deadline);
      this.seed = seed;
      this.transfer = Objects.requireNonNull(transfer, "transfer");
    }

    /**
     * Decides, for a client that declared {@code codecs} and holds the start of round {@code held},
     * the download (the broadcast's encoding if the client can decode it and use it, else float32)
     * and the update's codec (the transfer's uplink codec if the client can encode it, else none).
     */
    void deliver(Collection<String> codecs, int held) {
      download = transfer.broadcast().flatMap(d -> d.encodingFor(held))
          .filter(e -> Encodings.supports(codecs, e.codec())).orElse(null);
      upload = transfer.uplinkCodec().filter(c -> Encodings.supports(codecs, c)).orElse(null);
    }

    /** The encoded download decided at the latest delivery, or null for float32. */
    EncodedTensors download() {
      return download;
    }

    /** The base round of {@link #download()}: 0 if it encodes the model itself. */
    int downloadBaseRound() {
      return transfer.download() == null ? 0 : transfer.download().baseRound();
    }

    /** The update's codec asked at the latest delivery, or null for a float32 trained model. */
    Codec upload() {
      return upload;
    }

    @Override
    Kind kind() {
      return Kind.FIT;
    }
  }

  /** Evaluation of {@link #parameters} on the client's data. */
  static final class Evaluate extends ModelTask {
    Evaluate(String id, int round, Parameters parameters, Config config, Instant deadline) {
      super(id, round, parameters, config, deadline);
    }

    @Override
    Kind kind() {
      return Kind.EVALUATE;
    }
  }

  /** A secure-aggregation stage: the encoded {@link #request} for {@link #participant}, answered by a {@link #response}. */
  static final class SecAgg extends PendingTask {
    final byte[] request;
    final Class<?> response;
    final int participant;

    SecAgg(String id, int round, byte[] request, Class<?> response, int participant, Instant deadline) {
      super(id, round, deadline);
      this.request = Objects.requireNonNull(request, "request");
      this.response = Objects.requireNonNull(response, "response");
      this.participant = participant;
    }

    @Override
    Kind kind() {
      return Kind.SECAGG;
    }
  }

  /**
   * A request for the client's contribution encrypted under {@link #key}: exactly {@link #length}
   * ciphertexts, arriving in parts ({@link #received} so far).
   */
  static final class Paillier extends PendingTask {
    final PaillierPublicKey key;
    final int length;
    /** The ciphertexts received so far, in order; guarded by itself. */
    final List<BigInteger> received = new ArrayList<>();

    Paillier(String id, int round, PaillierPublicKey key, int length, Instant deadline) {
      super(id, round, deadline);
      this.key = Objects.requireNonNull(key, "key");
      this.length = length;
    }

    @Override
    Kind kind() {
      return Kind.PAILLIER;
    }
  }

  /** A fresh, unguessable task id such as {@code r3-fit-<24 hex digits>}. */
  static String newId(int round, Kind kind) {
    byte[] raw = new byte[12];
    RANDOM.nextBytes(raw);
    return "r" + round + "-" + kind.name().toLowerCase(Locale.ROOT) + "-" + HexFormat.of().formatHex(raw);
  }

  /**
   * Queues this task for {@code client}. The returned view completes with the result as a
   * {@code type}, fails at the deadline, and closes the task when cancelled.
   */
  <T> CompletableFuture<T> dispatch(RemoteClient client, String runId, Class<T> type) {
    long nanos = Deadlines.nanosLeft(deadline);
    result.orTimeout(nanos, TimeUnit.NANOSECONDS);
    client.enqueue(this, runId);
    CompletableFuture<T> view = new CompletableFuture<>();
    result.whenComplete((r, e) -> {
      if (e != null) view.completeExceptionally(e);
      else view.complete(type.cast(r));
    });
    view.whenComplete((r, e) -> result.cancel(false)); // cancelling the view closes the task
    return view;
  }

  @Override
  public String toString() {
    return kindName() + " task " + id + " of round " + round;
  }
}
