package io.lianbang.grpc.process;

import java.util.HashMap;
import java.util.Map;

/** {@code key=value} command-line arguments of the test processes. */
final class Args {
  private Args() {}

  static Map<String, String> parse(String[] argv) {
    Map<String, String> m = new HashMap<>();
    for (String s : argv) {
      int eq = s.indexOf('=');
      if (eq < 1) throw new IllegalArgumentException("argument '" + s + "' is not key=value");
      m.put(s.substring(0, eq), s.substring(eq + 1));
    }
    return m;
  }
}
