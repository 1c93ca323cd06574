package io.lianbang.store;

import java.util.Locale;

/** Where a stored run stands. */
public enum RunStatus {
  /** Started and not (yet) ended: still going, or its process was killed. */
  RUNNING,
  /** Ended after its last round. */
  FINISHED,
  /** Ended with an error. */
  FAILED;

  /** The status as stored and shown: its name in lower case. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status stored as {@code text}. */
  static RunStatus parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
