package io.lianbang.vertical.boost;

/**
 * One node of a {@link BoostTree}: a leaf with its weight, a split on a feature of the party that
 * holds the model ({@link Kind#LOCAL_SPLIT}: rows with x ≤ threshold go left), or a split whose
 * feature and threshold only a host knows ({@link Kind#HOST_SPLIT}: the model names the host and
 * the record of its lookup table, nothing more).
 *
 * @param kind what the node is
 * @param feature the feature column of a local split, else −1
 * @param bin the bin of a local split (rows with bin ≤ bin go left), else −1
 * @param threshold the split point of a local split, else NaN
 * @param host the host of a host split, else null
 * @param record the record of the host's lookup table of a host split, else −1
 * @param left the index of the left child in the tree, −1 for a leaf
 * @param right the index of the right child, −1 for a leaf
 * @param weight the leaf weight (learning rate applied), 0 for splits
 */
public record TreeNode(Kind kind, int feature, int bin, double threshold, String host, int record, int left, int right, double weight) {
  /** What a node is. */
  public enum Kind {
    /** A leaf. */
    LEAF,
    /** A split on a feature of the model's holder. */
    LOCAL_SPLIT,
    /** A split on a host's feature, known to the model by record id only. */
    HOST_SPLIT
  }

  /** A leaf of weight {@code weight}. */
  public static TreeNode leaf(double weight) {
    return new TreeNode(Kind.LEAF, -1, -1, Double.NaN, null, -1, -1, -1, weight);
  }

  /** A split of local {@code feature} at split point {@code threshold} (bin {@code bin}). */
  public static TreeNode localSplit(int feature, int bin, double threshold, int left, int right) {
    return new TreeNode(Kind.LOCAL_SPLIT, feature, bin, threshold, null, -1, left, right, 0);
  }

  /** A split on record {@code record} of {@code host}'s lookup table. */
  public static TreeNode hostSplit(String host, int record, int left, int right) {
    return new TreeNode(Kind.HOST_SPLIT, -1, -1, Double.NaN, host, record, left, right, 0);
  }

  /** Whether this is a leaf. */
  public boolean isLeaf() {
    return kind == Kind.LEAF;
  }
}
