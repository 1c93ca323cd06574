package io.lianbang.engine.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * Ready-made models. All use PyTorch's default initialisation unless an {@link Init} is given,
 * and take every random choice from {@code seed}.
 */
public final class Models {
  private Models() {}

  /** Builds the model described by {@code spec} (see {@link ModelSpec#parse}). */
  public static Model create(String spec, long seed) {
    return create(ModelSpec.parse(spec), Init.PYTORCH_DEFAULT, seed);
  }

  /** Builds the model described by {@code spec}. */
  public static Model create(ModelSpec spec, Init init, long seed) {
    List<Integer> s = spec.sizes();
    String name = spec.toString();
    switch (spec.kind()) {
      case LINEAR:
        return new Model(name, new Sequential(new int[] {s.get(0)},
            List.of(Layers.dense(s.size() > 1 ? s.get(1) : 1)), init, seed), Loss.meanSquaredError());
      case LOGISTIC:
        return new Model(name, new Sequential(new int[] {s.get(0)}, List.of(Layers.dense(1)), init, seed),
            Loss.binaryCrossEntropyWithLogits());
      case SOFTMAX:
        return new Model(name, new Sequential(new int[] {s.get(0)}, List.of(Layers.dense(s.get(1))), init, seed),
            Loss.softmaxCrossEntropy());
      case MLP:
        return new Model(name, new Sequential(new int[] {s.get(0)}, mlpLayers(s), init, seed),
            Loss.softmaxCrossEntropy());
      default:
        return new Model(name, new Sequential(new int[] {1, 28, 28}, lenetLayers(), init, seed),
            Loss.softmaxCrossEntropy());
    }
  }

  /** Dense layers of the given widths (input first) with ReLU between them, no activation at the end. */
  static List<Layer> mlpLayers(List<Integer> sizes) {
    List<Layer> layers = new ArrayList<>();
    for (int i = 1; i < sizes.size(); i++) {
      layers.add(Layers.dense(sizes.get(i)));
      if (i < sizes.size() - 1) layers.add(Layers.relu());
    }
    return layers;
  }

  /**
   * LeNet-5 style CNN (LeCun et al. 1998, "Gradient-based learning applied to document
   * recognition", Proc. IEEE) for 1×28×28 input: conv 5×5×6 (padding 2) → ReLU → maxpool 2 →
   * conv 5×5×16 → ReLU → maxpool 2 → flatten (400) → 120 → ReLU → 84 → ReLU → 10.
   * Parameter names: {@code 0.*, 3.*, 7.*, 9.*, 11.*}.
   */
  static List<Layer> lenetLayers() {
    return List.of(
        Layers.conv2d(6, 5, 2), Layers.relu(), Layers.maxPool2d(2),
        Layers.conv2d(16, 5, 0), Layers.relu(), Layers.maxPool2d(2),
        Layers.flatten(),
        Layers.dense(120), Layers.relu(),
        Layers.dense(84), Layers.relu(),
        Layers.dense(10));
  }
}
