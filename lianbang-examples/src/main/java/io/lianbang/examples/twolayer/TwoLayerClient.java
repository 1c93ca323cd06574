package io.lianbang.examples.twolayer;

import io.lianbang.core.client.Client;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.Random;

/**
 * A hand-written client of a model of four tensors: a two-layer linear regression
 * {@code y = W2 (W1 x + b1) + b2} with {@code W1} of shape [hidden, inputs], {@code b1} [hidden],
 * {@code W2} [1, hidden] and {@code b2} [1]. It reads and returns each tensor by its position and
 * shape; flattening the model into one vector and returning {@code Tensor.vector(...)} would give
 * the server one tensor where it expects four, and the server refuses such a result.
 */
public final class TwoLayerClient implements Client {
  /** The coefficients and intercept of the data every client draws from. */
  public static final float[] TRUE_WEIGHTS = {2f, -1f, 0.5f};
  /** The intercept of the data. */
  public static final float TRUE_BIAS = 3f;

  private final float[][] x;
  private final float[] y;

  /** A client with {@code rows} private rows drawn with {@code seed}, features around {@code shift}. */
  public TwoLayerClient(long seed, int rows, float shift) {
    Random random = new Random(seed);
    x = new float[rows][TRUE_WEIGHTS.length];
    y = new float[rows];
    for (int i = 0; i < rows; i++) {
      float t = TRUE_BIAS + 0.1f * (float) random.nextGaussian();
      for (int j = 0; j < TRUE_WEIGHTS.length; j++) {
        x[i][j] = shift + (float) random.nextGaussian();
        t += TRUE_WEIGHTS[j] * x[i][j];
      }
      y[i] = t;
    }
  }

  /** The model's four tensors, drawn uniformly from [-0.5, 0.5) with {@code seed}. */
  public static Parameters initial(int hidden, long seed) {
    Random random = new Random(seed);
    int inputs = TRUE_WEIGHTS.length;
    return Parameters.of(uniform(random, hidden, inputs), uniform(random, hidden), uniform(random, 1, hidden), uniform(random, 1));
  }

  @Override
  public FitResult fit(FitTask task) {
    Model m = new Model(task.parameters());
    double lr = task.config().getDouble("lr", 0.02);
    int steps = task.config().getInt("local_steps", 10);
    for (int s = 0; s < steps; s++) m.step(x, y, lr);
    return new FitResult(m.parameters(), y.length, Metrics.of("train_loss", m.loss(x, y)));
  }

  @Override
  public EvalResult evaluate(EvalTask task) {
    return new EvalResult(new Model(task.parameters()).loss(x, y), y.length, Metrics.empty());
  }

  private static Tensor uniform(Random random, int... shape) {
    int n = 1;
    for (int d : shape) n *= d;
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = random.nextFloat() - 0.5f;
    return Tensor.of(shape, v);
  }

  /** The four tensors as arrays, trained by full-batch gradient descent on the mean squared error. */
  private static final class Model {
    final int hidden;
    final int inputs;
    final float[] w1;
    final float[] b1;
    final float[] w2;
    final float[] b2;

    Model(Parameters p) {
      if (p.count() != 4) throw new IllegalArgumentException("expected 4 tensors (W1, b1, W2, b2), got " + p.count());
      int[] s = p.tensor(0).shape();
      hidden = s[0];
      inputs = s[1];
      w1 = p.tensor(0).toArray();
      b1 = p.tensor(1).toArray();
      w2 = p.tensor(2).toArray();
      b2 = p.tensor(3).toArray();
    }

    Parameters parameters() {
      return Parameters.of(Tensor.of(new int[] {hidden, inputs}, w1), Tensor.of(new int[] {hidden}, b1),
          Tensor.of(new int[] {1, hidden}, w2), Tensor.of(new int[] {1}, b2));
    }

    float[] hiddenOf(float[] row) {
      float[] h = b1.clone();
      for (int k = 0; k < hidden; k++) {
        for (int j = 0; j < inputs; j++) h[k] += w1[k * inputs + j] * row[j];
      }
      return h;
    }

    float predict(float[] h) {
      float out = b2[0];
      for (int k = 0; k < hidden; k++) out += w2[k] * h[k];
      return out;
    }

    double loss(float[][] x, float[] y) {
      double sum = 0;
      for (int i = 0; i < y.length; i++) sum += Math.pow(predict(hiddenOf(x[i])) - y[i], 2);
      return sum / y.length;
    }

    void step(float[][] x, float[] y, double lr) {
      float[] gw1 = new float[w1.length];
      float[] gb1 = new float[b1.length];
      float[] gw2 = new float[w2.length];
      float[] gb2 = new float[1];
      for (int i = 0; i < y.length; i++) {
        float[] h = hiddenOf(x[i]);
        float d = 2 * (predict(h) - y[i]) / y.length; // d loss / d prediction
        gb2[0] += d;
        for (int k = 0; k < hidden; k++) {
          gw2[k] += d * h[k];
          float dh = d * w2[k];
          gb1[k] += dh;
          for (int j = 0; j < inputs; j++) gw1[k * inputs + j] += dh * x[i][j];
        }
      }
      descend(w1, gw1, lr);
      descend(b1, gb1, lr);
      descend(w2, gw2, lr);
      descend(b2, gb2, lr);
    }

    private static void descend(float[] w, float[] g, double lr) {
      for (int i = 0; i < w.length; i++) w[i] -= (float) (lr * g[i]);
    }
  }
}
