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
 * sent, one example, no metrics); the ciphertext is handed over once, through a
 * {@link PaillierTransport}, and then forgotten.
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
  private final FixedPointEncoding encoding;
  private final SecureRandom random;
  private final NavigableMap<Integer, EncryptedVector> pending = new TreeMap<>();

  /** Encrypts under {@code key} with randomness from {@code random}. */
  public PaillierClient(Client inner, PaillierPublicKey key, SecureRandom random) {
    super(Objects.requireNonNull(inner, "inner"));
    this.key = Objects.requireNonNull(key, "key");
    this.encoding = new FixedPointEncoding(key, FRACTION_BITS);
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
    FitResult trained = delegate().fit(task);
    String mismatch = task.parameters().layoutMismatch(trained.parameters());
    if (mismatch != null) throw new IllegalStateException("trained parameters: " + mismatch);
    double[] v = contribution(task.parameters(), trained.parameters(), trained.numExamples());
    EncryptedVector c = EncryptedVector.encrypt(key, encoding, v, random);
    synchronized (this) {
      pending.headMap(task.round()).clear(); // contributions of earlier rounds are stale
      pending.put(task.round(), c);
    }
    return new FitResult(task.parameters(), 1, Metrics.empty());
  }

  /**
   * Hands over the encrypted contribution of {@code round}, once.
   *
   * @throws IllegalStateException if there is none (not trained this round, or already taken)
   */
  public synchronized EncryptedVector take(int round) {
    EncryptedVector c = pending.remove(round);
    if (c == null) throw new IllegalStateException("no encrypted contribution for round " + round);
    return c;
  }
}
