package io.lianbang.engine.nn;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.kernel.Kernel;
import io.lianbang.engine.kernel.Kernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A trainable model: a {@link Sequential} network plus its {@link Loss}.
 *
 * <p>Parameter layout: {@link #parameters()} lists, for each layer with parameters in order, its
 * weight then its bias, in PyTorch shapes (dense {@code [out, in]}, convolution
 * {@code [out, in, k, k]}, bias {@code [out]}); {@link #parameterNames()} gives the names
 * ({@code "<layer index>.weight"}), which match the keys of the equivalent PyTorch
 * {@code nn.Sequential} state dict.
 *
 * <p>Threads: {@link #threads(int)} sets the intra-op threads used by this model (default 1).
 * Results are bit-identical for every thread count. A model is not thread-safe.
 */
public final class Model {
  private final String name;
  private final Sequential net;
  private final Loss loss;
  private final Kernel kernel;
  private final int inputSize;
  private final int outputWidth;
  private final Batch batch = new Batch();
  private float[] grad = new float[0];
  private int threads = 1;
  private GradientCorrection correction;
  /** Whether plain SGD steps are fused into backward (package-private switch for tests). */
  static boolean fuseSgd = !"false".equals(System.getProperty("lianbang.nn.fuseSgd"));

  /** A model of {@code net} trained with {@code loss}, using the kernels selected for this JVM. */
  public Model(String name, Sequential net, Loss loss) {
    this(name, net, loss, Kernels.get());
  }

  /** As {@link #Model(String, Sequential, Loss)} with an explicit kernel implementation. */
  public Model(String name, Sequential net, Loss loss, Kernel kernel) {
    this.name = name;
    this.net = net;
    this.loss = loss;
    this.kernel = kernel;
    this.inputSize = Layer.product(net.inputShape());
    this.outputWidth = Layer.product(net.outputShape());
  }

  /** The model's name, e.g. the spec it was built from. */
  public String name() {
    return name;
  }

  /** The network. */
  public Sequential network() {
    return net;
  }

  /** The loss. */
  public Loss loss() {
    return loss;
  }

  /** Intra-op threads. */
  public int threads() {
    return threads;
  }

  /**
   * Sets the number of intra-op threads and returns this model.
   *
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public Model threads(int threads) {
    if (threads < 1) throw new IllegalArgumentException("model threads must be >= 1, got " + threads);
    this.threads = threads;
    return this;
  }

  /** A snapshot of the parameters (see the class documentation for the layout). */
  public Parameters parameters() {
    List<Tensor> ts = new ArrayList<>();
    for (Param p : net.params()) ts.add(p.toTensor());
    return Parameters.of(ts);
  }

  /** Parameter names in {@link #parameters()} order, e.g. {@code ["0.weight", "0.bias", ...]}. */
  public List<String> parameterNames() {
    List<String> names = new ArrayList<>();
    for (Param p : net.params()) names.add(p.name());
    return names;
  }

  /**
   * Replaces all parameters with {@code parameters}.
   *
   * @throws IllegalArgumentException naming the first tensor whose shape differs, or if the count differs;
   *     the model is unchanged in that case
   */
  public void load(Parameters parameters) {
    List<Param> ps = net.params();
    if (parameters.count() != ps.size()) {
      throw new IllegalArgumentException("model " + name + " has " + ps.size() + " parameter tensors but "
          + parameters.count() + " were given");
    }
    for (int i = 0; i < ps.size(); i++) {
      if (!Arrays.equals(ps.get(i).shape(), parameters.tensor(i).shape())) {
        throw new IllegalArgumentException("model " + name + ": tensor[" + i + "] " + ps.get(i).name()
            + " expects shape " + Arrays.toString(ps.get(i).shape()) + " but got "
            + Arrays.toString(parameters.tensor(i).shape()));
      }
    }
    for (int i = 0; i < ps.size(); i++) ps.get(i).load(parameters.tensor(i));
  }

  /**
   * One optimisation step on examples {@code indices[from..to)} of {@code data}: forward, loss,
   * backward, {@code optimizer} update.
   *
   * @return the batch mean loss before the update
   * @throws IllegalArgumentException if the batch is empty or the dataset does not fit the model
   */
  public double trainBatch(Dataset data, int[] indices, int from, int to, Optimizer optimizer) {
    if (from < 0 || to > indices.length || from >= to) {
      throw new IllegalArgumentException("trainBatch range [" + from + ", " + to + ") is empty or outside "
          + indices.length + " indices");
    }
    check(data);
    batch.gather(data, indices, from, to);
    return trainGathered(optimizer);
  }

  private double trainGathered(Optimizer optimizer) {
    int n = batch.n;
    optimizer.bind(net.params());
    // a gradient correction must see every gradient before the step, so it turns fusion off
    Exec exec = new Exec(kernel, threads, true, fuseSgd && correction == null ? optimizer.fusedSgdLr() : Float.NaN);
    float[] out = net.forward(batch.x, n, exec);
    if (grad.length < n * outputWidth) grad = new float[n * outputWidth];
    double sum = loss.lossSum(out, outputWidth, batch, grad);
    net.backward(grad, n, exec);
    if (correction != null) correction.beforeStep(net.params());
    optimizer.step(net.params(), exec);
    if (correction != null) correction.afterStep(net.params());
    return sum / n;
  }

  /** Sets (or clears, with null) the term added to every gradient before the optimizer step. */
  void gradientCorrection(GradientCorrection c) {
    if (c != null) c.bind(this, net.params());
    this.correction = c;
  }

  /** Examples per forward pass during evaluation; fixed so results never depend on settings. */
  static final int EVAL_CHUNK = 256;

  /** Loss sum and correct count over all of {@code data}, in evaluation mode (no dropout). */
  public Evaluation evaluate(Dataset data) {
    check(data);
    Exec exec = new Exec(kernel, threads, false);
    double lossSum = 0;
    long correct = 0;
    for (int from = 0; from < data.size(); from += EVAL_CHUNK) {
      int to = Math.min(data.size(), from + EVAL_CHUNK);
      batch.gatherRange(data, from, to);
      float[] out = net.forward(batch.x, batch.n, exec);
      lossSum += loss.lossSum(out, outputWidth, batch, null);
      correct += loss.correct(out, outputWidth, batch);
    }
    return new Evaluation(lossSum, correct, data.size());
  }

  /**
   * Network outputs (logits, or predictions for regression) for {@code n} examples in
   * {@code features} (row-major), in evaluation mode.
   */
  public float[] predict(float[] features, int n) {
    if (features.length < (long) n * inputSize) {
      throw new IllegalArgumentException("predict: " + n + " examples need " + (long) n * inputSize
          + " features, got " + features.length);
    }
    Exec exec = new Exec(kernel, threads, false);
    float[] out = net.forward(features, n, exec);
    return Arrays.copyOf(out, n * outputWidth);
  }

  private void check(Dataset data) {
    if (data.featureCount() != inputSize) {
      throw new IllegalArgumentException("model " + name + " expects " + inputSize + " features per example "
          + Arrays.toString(net.inputShape()) + " but the dataset has " + data.featureCount()
          + " " + Arrays.toString(data.exampleShape()));
    }
    loss.check(data, outputWidth);
  }

  @Override
  public String toString() {
    return "Model[" + name + ": " + net + ", " + loss + ", " + kernel.name() + ", threads=" + threads + "]";
  }
}
