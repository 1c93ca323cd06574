package io.lianbang.vertical.boost;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The messages of SecureBoost training and prediction and what each party learns: the basis of the
 * privacy report (docs/protocol.md, "SecureBoost").
 */
public final class SecureBoostProtocol {
  private SecureBoostProtocol() {}

  /** Training: the guest's key and the run's shape. Tag {@code sb.setup}. */
  public static final String SETUP = "sb.setup";
  /** Training: a host's bin count per feature. Tag {@code sb.bins}. */
  public static final String BINS = "sb.bins";
  /** Training: the encrypted (g, h) of every row for tree t. Tag {@code sb.gh/t}. */
  public static final String GH = "sb.gh";
  /** Training: the nodes to split at depth d of tree t and their rows. Tag {@code sb.nodes/t.d}. */
  public static final String NODES = "sb.nodes";
  /** Training: a host's packed encrypted cumulative histograms. Tag {@code sb.hist/t.d}. */
  public static final String HIST = "sb.hist";
  /** Training: the splits chosen on a host's features. Tag {@code sb.split/t.d}. */
  public static final String SPLIT = "sb.split";
  /** Training: a host's record ids and left rows of its splits. Tag {@code sb.assign/t.d}. */
  public static final String ASSIGN = "sb.assign";
  /** Prediction: rows waiting at a host's records. Tag {@code sbp.route/session.step}. */
  public static final String ROUTE = "sbp.route";
  /** Prediction: which of those rows go left. Tag {@code sbp.dir/session.step}. */
  public static final String DIRECTION = "sbp.dir";

  /** Message kind → sender → receiver, contents and form. */
  public static final Map<String, String> MESSAGES = table(
      SETUP, "guest → host: the guest's Paillier public key n, the row count, trees, maxDepth and bins per ciphertext (plaintext)",
      BINS, "host → guest: the number of quantile bins of each host feature (plaintext; not the split points)",
      GH, "guest → host: per row, the pair (gradient, hessian) packed into one plaintext and encrypted under the guest's Paillier key",
      NODES, "guest → host: for each node to split, its id and the indices of its rows in the intersection order (plaintext: "
          + "the sample-to-node assignment, as in FATE)",
      HIST, "host → guest: per node and host feature, the cumulative (gradient, hessian) sums of bins ≤ b, encrypted under the guest's key, "
          + "several bins packed per ciphertext",
      SPLIT, "guest → host: per node split on that host's feature, the node id and the (feature, bin) chosen (plaintext)",
      ASSIGN, "host → guest: per split, a fresh record id of the host's lookup table and the node's rows going left (plaintext bitmap)",
      ROUTE, "guest → host (prediction): per host record reached, the indices of the rows waiting there (plaintext)",
      DIRECTION, "host → guest (prediction): per record, which of those rows go left (plaintext bitmap)");

  /** Party → what it learns from a run. */
  public static final Map<String, String> LEARNS = table(
      "guest", "the labels and its features (its own), each host's bin counts, per node the sums of gradients and hessians of every cumulative "
          + "bin of every host feature (decrypted), the (feature index, bin index) of host splits and the rows going left; never a host's "
          + "feature values or split points",
      "host", "its own features and the rows reaching each node of every tree (and so which rows share leaves), the (feature, bin) of its "
          + "own splits, the tree structure's size; gradients and hessians only as Paillier ciphertexts, never the labels");

  private static Map<String, String> table(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return java.util.Collections.unmodifiableMap(m);
  }
}
