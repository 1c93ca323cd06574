package io.lianbang.privacy.paillier;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ForwardingClient;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.security.SecureRandom;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The client-side half of {@link PaillierAggregation}: trains the wrapped client and encrypts its
 * weighted update under the key holder's public key. The encrypted contribution is the vector
 *
 * <pre>
 *   [ w·Δ_1, …, w·Δ_d,  w,  1 ]      Δ = trained − global,  w = the example count
 * </pre>
 *
 * each entry fixed-point encoded with {@value #FRACTION_BITS} fraction bits
 * ({@link FixedPointEncoding}) and encrypted with fresh randomness. The sum of such vectors
 * decrypts to Σ w·Δ, Σ w and the number of contributions, from which the key holder computes the
 * FedAvg mean update. The fit answer to the federation is only a receipt (the global model it was
 * sent, one example, no metrics); a fit task without {@link PaillierAggregation#CONFIG_KEY} is
 * refused before training, so the update never goes to a server that would average it in the
 * clear. The contribution is encrypted when it is handed over, once,
 * through a {@link PaillierTransport}, and then forgotten. In a deployment the client learns the
 * key only then (the server relays it in the task), so it may be built without one.
 *
 * <p>Error: each entry is rounded to the nearest multiple of 2^−{@value #FRACTION_BITS} (the
 * products w·Δ are formed in double precision, relative error 2^−53), so a sum of m contributions
 * is exact to m·2^−41 plus the double rounding; with a modulus n the encoded sum must stay below
 * n/2 / 2^{@value #FRACTION_BITS} in magnitude, about 10^142 for 512-bit keys: it never binds.
 */
public final class PaillierClient extends ForwardingClient {
  /** Fraction bits of the fixed-point encoding. */
  public static final int FRACTION_BITS = 40;

  private final PaillierPublicKey key;
  private final SecureRandom random;
  private final NavigableMap<Integer, double[]> pending = new TreeMap<>();

  /** Encrypts under {@code key} with randomness from {@code random}. */
  public PaillierClient(Client inner, PaillierPublicKey key, SecureRandom random) {
    super(Objects.requireNonNull(inner, "inner"));
    this.key = Objects.requireNonNull(key, "key");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Encrypts under the key given to {@link #take(int, PaillierPublicKey, int)}, with randomness from {@code random}. */
  public PaillierClient(Client inner, SecureRandom random) {
    super(Objects.requireNonNull(inner, "inner"));
    this.key = null;
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The contribution vector of an update given as flat arrays, in the layout above. */
  public static double[] contribution(float[] global, float[] trained, long examples) {
    return contribution(Parameters.of(Tensor.vector(global)), Parameters.of(Tensor.vector(trained)), examples);
  }

  /**
   * The contribution vector of an update (before encryption), in the layout above.
   *
   * @throws IllegalArgumentException if {@code examples} is not positive, the layouts differ or a
   *     difference is not finite
   */
  public static double[] contribution(Parameters global, Parameters trained, long examples) {
    if (examples <= 0) throw new IllegalArgumentException("examples must be > 0, got " + examples);
    int n = (int) global.elementCount();
    double[] v = new double[n + 2];
    ParameterMath.forEach(trained, global, (i, t, g) -> {
      double delta = (double) t - g; // exact for floats of similar magnitude
      if (!Double.isFinite(delta)) throw new IllegalArgumentException("update[" + i + "] = " + delta + " is not finite");
      v[i] = examples * delta;
    });
    v[n] = examples;
    v[n + 1] = 1;
    return v;
  }

  @Override
  public FitResult fit(FitTask task) {
    if (!task.config().getBoolean(PaillierAggregation.CONFIG_KEY, false)) {
      throw new IllegalStateException("round " + task.round() + ": the server did not ask for Paillier aggregation (fit config '"
          + PaillierAggregation.CONFIG_KEY + "' is not true), and this client sends its update only encrypted");
    }
    FitResult trained = delegate().fit(task);
    String mismatch = task.parameters().layoutMismatch(trained.parameters());
    if (mismatch != null) throw new IllegalStateException("trained parameters: " + mismatch);
    double[] v = contribution(task.parameters(), trained.parameters(), trained.numExamples());
    synchronized (this) {
      pending.headMap(task.round()).clear(); // contributions of earlier rounds are stale
      pending.put(task.round(), v);
    }
    return new FitResult(task.parameters(), 1, Metrics.empty());
  }

  /**
   * Hands over the contribution of {@code round}, once, encrypted under the key given at
   * construction.
   *
   * @throws IllegalStateException if there is none (not trained this round, or already taken), or
   *     this client was built without a key
   */
  public EncryptedVector take(int round) {
    if (key == null) throw new IllegalStateException("this Paillier client has no key; the contribution needs one");
    return take(round, key, -1);
  }

  /**
   * Hands over the contribution of {@code round}, once, encrypted under {@code key}.
   *
   * @param length the number of entries expected (the model's value count + 2), or -1 for any
   * @throws IllegalStateException if there is none (not trained this round, or already taken)
   * @throws IllegalArgumentException if the contribution does not have {@code length} entries
   *     (it is then discarded)
   */
  public EncryptedVector take(int round, PaillierPublicKey key, int length) {
    Objects.requireNonNull(key, "key");
    double[] v;
    synchronized (this) {
      v = pending.remove(round);
    }
    if (v == null) throw new IllegalStateException("no encrypted contribution for round " + round);
    if (length >= 0 && v.length != length) {
      throw new IllegalArgumentException("paillier length " + length + " does not match this client's contribution of " + v.length + " entries");
    }
    return EncryptedVector.encrypt(key, new FixedPointEncoding(key, FRACTION_BITS), v, random);
  }
}
