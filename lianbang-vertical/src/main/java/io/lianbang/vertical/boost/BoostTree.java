package io.lianbang.vertical.boost;

import java.util.List;

/**
 * One regression tree of a boosted model; node 0 is the root and children follow their parents.
 *
 * @param nodes the nodes
 */
public record BoostTree(List<TreeNode> nodes) {
  /** Copies the node list. */
  public BoostTree {
    nodes = List.copyOf(nodes);
    if (nodes.isEmpty()) throw new IllegalArgumentException("a tree has at least one node");
  }

  /** The depth: 0 for a single leaf. */
  public int depth() {
    return depth(0);
  }

  private int depth(int i) {
    TreeNode n = nodes.get(i);
    return n.isLeaf() ? 0 : 1 + Math.max(depth(n.left()), depth(n.right()));
  }
}
