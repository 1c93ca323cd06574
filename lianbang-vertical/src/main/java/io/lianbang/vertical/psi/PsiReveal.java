package io.lianbang.vertical.psi;

/** What the PSI receiver tells the sender at the end; both roles must use the same value. */
public enum PsiReveal {
  /** Nothing: only the receiver learns the intersection; the sender learns the receiver's set size. */
  NONE,
  /** The intersection's size: the sender learns how many of its ids are common, not which. */
  SIZE,
  /** The intersection (default): the receiver sends the matched positions in the sender's shuffled order, so both learn it. */
  INTERSECTION
}
