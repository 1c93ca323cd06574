package io.lianbang.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The command line the JMH mains share: {@code --option value} pairs over their defaults, and the
 * timing options every one takes ({@code --warmups}, {@code --iterations}, {@code --seconds} per
 * iteration, {@code --forks}; one benchmark thread).
 */
final class JmhCommandLine {
  private JmhCommandLine() {}

  /**
   * {@code defaults} with the pairs of {@code args} applied.
   *
   * @throws IllegalArgumentException naming the option if it is unknown or has no value
   */
  static Map<String, String> parse(String[] args, Map<String, String> defaults) {
    Map<String, String> opt = new LinkedHashMap<>(defaults);
    for (int i = 0; i < args.length; i += 2) {
      if (!opt.containsKey(args[i]) || i + 1 >= args.length) {
        throw new IllegalArgumentException("unknown option or missing value: " + args[i] + " (options: " + opt.keySet() + ")");
      }
      opt.put(args[i], args[i + 1]);
    }
    return opt;
  }

  /** {@code b} with the timing of {@code opt} and one benchmark thread. */
  static ChainedOptionsBuilder timing(ChainedOptionsBuilder b, Map<String, String> opt) {
    TimeValue time = TimeValue.milliseconds(Math.round(Double.parseDouble(opt.get("--seconds")) * 1000));
    return b.warmupIterations(Integer.parseInt(opt.get("--warmups")))
        .warmupTime(time)
        .measurementIterations(Integer.parseInt(opt.get("--iterations")))
        .measurementTime(time)
        .forks(Integer.parseInt(opt.get("--forks")))
        .threads(1);
  }
}
