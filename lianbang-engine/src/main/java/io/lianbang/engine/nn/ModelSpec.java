package io.lianbang.engine.nn;

import io.lianbang.core.text.Abbreviation;
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
 * <p>A spec has at most {@link #MAX_SIZES} sizes and its model at most {@link #MAX_PARAMETERS}
 * parameters; larger ones are refused before anything is allocated.
 *
 * @param kind  the model family
 * @param sizes layer widths from input to output (empty for {@code lenet})
 */
public record ModelSpec(Kind kind, List<Integer> sizes) {
  /** The most parameters a model may have: 50 million (200 MB of float32, before gradients and optimizer state). */
  public static final long MAX_PARAMETERS = 50_000_000;
  /** The most sizes (layers plus one) a spec may list. */
  public static final int MAX_SIZES = 64;

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
    if (n > MAX_SIZES) {
      throw new IllegalArgumentException("model spec " + kind.name().toLowerCase(Locale.ROOT) + " lists " + n
          + " sizes, more than the limit of " + MAX_SIZES);
    }
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
    long parameters = parameterCount(kind, sizes);
    if (parameters > MAX_PARAMETERS) {
      throw new IllegalArgumentException("model spec " + kind.name().toLowerCase(Locale.ROOT) + " with sizes " + sizes + " has "
          + parameters + " parameters, more than the limit of " + MAX_PARAMETERS);
    }
  }

  /** Weights and biases of the dense layers from one size to the next; sizes are at most 2^31, so no overflow. */
  private static long parameterCount(Kind kind, List<Integer> sizes) {
    return switch (kind) {
      case LENET -> 0; // fixed and small
      case LOGISTIC -> sizes.get(0) + 1L;
      case LINEAR -> (long) sizes.get(0) * (sizes.size() > 1 ? sizes.get(1) : 1) + (sizes.size() > 1 ? sizes.get(1) : 1);
      default -> {
        long total = 0;
        for (int i = 1; i < sizes.size(); i++) total += (long) sizes.get(i - 1) * sizes.get(i) + sizes.get(i);
        yield total;
      }
    };
  }

  /**
   * Parses a spec such as {@code mlp:784-200-200-10}, {@code lenet}, {@code linear:13},
   * {@code logistic:30} or {@code softmax:784-10}.
   *
   * @throws IllegalArgumentException quoting the text if it is not a valid spec
   */
  public static ModelSpec parse(String text) {
    if (text == null) throw new IllegalArgumentException("model spec must not be null");
    String quoted = "model spec \"" + Abbreviation.abbreviate(text) + "\"";
    String t = text.trim().toLowerCase(Locale.ROOT);
    int colon = t.indexOf(':');
    String head = colon < 0 ? t : t.substring(0, colon);
    Kind kind;
    try {
      kind = Kind.valueOf(head.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(quoted + ": unknown model \"" + Abbreviation.abbreviate(head)
          + "\" (expected linear, logistic, softmax, mlp or lenet)");
    }
    List<Integer> sizes = new ArrayList<>();
    if (colon >= 0) {
      String[] parts = t.substring(colon + 1).split("-", MAX_SIZES + 2);
      if (parts.length > MAX_SIZES) {
        throw new IllegalArgumentException(quoted + ": more than " + MAX_SIZES + " sizes");
      }
      for (String part : parts) {
        try {
          sizes.add(Integer.parseInt(part.trim()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(quoted + ": size \"" + Abbreviation.abbreviate(part) + "\" is not an integer (at most "
              + Integer.MAX_VALUE + ")");
        }
      }
    }
    try {
      return new ModelSpec(kind, sizes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(quoted + ": " + e.getMessage(), e);
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
