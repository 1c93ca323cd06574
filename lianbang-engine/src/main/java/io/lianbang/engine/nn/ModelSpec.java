package io.lianbang.engine.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A short textual model description, e.g. {@code mlp:784-200-200-10}. Forms:
 * <ul>
 *   <li>{@code linear:IN} or {@code linear:IN-OUT}: linear regression, mean squared error;</li>
 *   <li>{@code logistic:IN}: binary logistic regression (one logit), binary cross-entropy;</li>
 *   <li>{@code softmax:IN-CLASSES}: multinomial logistic regression, softmax cross-entropy;</li>
 *   <li>{@code mlp:IN-H1-...-CLASSES}: ReLU multilayer perceptron, softmax cross-entropy;</li>
 *   <li>{@code lenet}: LeNet-5 style CNN for 1×28×28 images, 10 classes.</li>
 * </ul>
 *
 * @param kind  the model family
 * @param sizes layer widths from input to output (empty for {@code lenet})
 */
public record ModelSpec(Kind kind, List<Integer> sizes) {

  /** Model families. */
  public enum Kind { LINEAR, LOGISTIC, SOFTMAX, MLP, LENET }

  /**
   * @throws IllegalArgumentException if the sizes do not fit the kind
   */
  public ModelSpec {
    if (kind == null) throw new IllegalArgumentException("model spec kind must not be null");
    sizes = List.copyOf(sizes);
    for (int s : sizes) {
      if (s < 1) throw new IllegalArgumentException("model spec " + kind.name().toLowerCase(Locale.ROOT) + " sizes must be >= 1, got " + sizes);
    }
    int n = sizes.size();
    boolean ok = switch (kind) {
      case LINEAR -> n == 1 || n == 2;
      case LOGISTIC -> n == 1;
      case SOFTMAX -> n == 2;
      case MLP -> n >= 2;
      case LENET -> n == 0;
    };
    if (!ok) {
      throw new IllegalArgumentException("model spec " + kind.name().toLowerCase(Locale.ROOT)
          + " does not take sizes " + sizes + " (see ModelSpec for the forms)");
    }
  }

  /**
   * Parses a spec such as {@code mlp:784-200-200-10}, {@code lenet}, {@code linear:13},
   * {@code logistic:30} or {@code softmax:784-10}.
   *
   * @throws IllegalArgumentException quoting the text if it is not a valid spec
   */
  public static ModelSpec parse(String text) {
    if (text == null) throw new IllegalArgumentException("model spec must not be null");
    String t = text.trim().toLowerCase(Locale.ROOT);
    int colon = t.indexOf(':');
    String head = colon < 0 ? t : t.substring(0, colon);
    Kind kind;
    try {
      kind = Kind.valueOf(head.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("model spec \"" + text + "\": unknown model \"" + head
          + "\" (expected linear, logistic, softmax, mlp or lenet)");
    }
    List<Integer> sizes = new ArrayList<>();
    if (colon >= 0) {
      for (String part : t.substring(colon + 1).split("-", -1)) {
        try {
          sizes.add(Integer.parseInt(part.trim()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("model spec \"" + text + "\": size \"" + part + "\" is not an integer");
        }
      }
    }
    try {
      return new ModelSpec(kind, sizes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("model spec \"" + text + "\": " + e.getMessage(), e);
    }
  }

  /** The number of input features an example must have: the first size, or 1×28×28 = 784 for {@code lenet}. */
  public int inputFeatures() {
    return kind == Kind.LENET ? 28 * 28 : sizes.get(0);
  }

  @Override
  public String toString() {
    String head = kind.name().toLowerCase(Locale.ROOT);
    if (sizes.isEmpty()) return head;
    StringBuilder sb = new StringBuilder(head).append(':');
    for (int i = 0; i < sizes.size(); i++) sb.append(i == 0 ? "" : "-").append(sizes.get(i));
    return sb.toString();
  }
}
