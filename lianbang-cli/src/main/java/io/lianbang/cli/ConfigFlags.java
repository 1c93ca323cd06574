package io.lianbang.cli;

import io.lianbang.cli.config.ConfigKeys;
import io.lianbang.cli.config.ConfigLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParseResult;

/**
 * How every command that reads a configuration takes it from the command line: {@code --set
 * key.path=value} for any key, and a table of convenience flags, each of which is the assignment
 * of one YAML key, applied after the file and the {@code --set} assignments (so flags win). The
 * command's help lists the keys, read from the schema.
 *
 * @param flags the convenience flags
 * @param keys the command's configuration keys, for its help: read from the schema only when the
 *     help is shown, so that no other start pays for it
 * @param example an assignment to show in the help of {@code --set}, e.g. {@code strategy.quorum=0.8}
 */
record ConfigFlags(List<Flag> flags, Supplier<List<ConfigKeys.Key>> keys, String example) {
  /** The help section that lists the keys. */
  private static final String KEYS_SECTION = "configurationKeys";

  /**
   * A convenience flag.
   *
   * @param name the flag, e.g. {@code --seed}
   * @param path the YAML key it sets, e.g. {@code seed}
   * @param type its value's type; {@code boolean.class} for a flag without value that sets true,
   *     {@code List.class} for a comma-separated list of strings
   * @param label the value's name in the help, e.g. {@code N}
   * @param description the help text
   */
  record Flag(String name, String path, Class<?> type, String label, String description) {}

  /** A flag that takes a value of {@code type}. */
  static Flag flag(String name, String path, Class<?> type, String label, String description) {
    return new Flag(name, path, type, label, description);
  }

  /** A flag without value that sets {@code path} to true. */
  static Flag toggle(String name, String path, String description) {
    return new Flag(name, path, boolean.class, null, description);
  }

  /** Adds {@code --set}, the flags and the list of keys to {@code command}. */
  void install(CommandSpec command) {
    command.addOption(OptionSpec.builder("--set").type(List.class).auxiliaryTypes(String.class).paramLabel("KEY=VALUE")
        .description("Set any configuration key by its YAML path, e.g. --set " + example + " (repeatable; the keys are "
            + "listed below).").build());
    for (Flag f : flags) {
      OptionSpec.Builder b = OptionSpec.builder(f.name()).description(f.description() + " (" + f.path() + ")");
      if (f.type() == boolean.class) {
        b.type(boolean.class).arity("0");
      } else if (f.type() == List.class) {
        b.type(List.class).auxiliaryTypes(String.class).splitRegex(",").paramLabel(f.label());
      } else {
        b.type(f.type()).paramLabel(f.label());
      }
      command.addOption(b.build());
    }
    UsageMessageSpec usage = command.usageMessage();
    String newline = System.lineSeparator();
    usage.sectionMap().put(KEYS_SECTION, help -> "Configuration keys (YAML path = default; --set KEY=VALUE sets any of them):"
        + newline + String.join(newline, ConfigKeys.lines(keys.get())) + newline);
    List<String> sections = new ArrayList<>(usage.sectionKeys());
    sections.add(KEYS_SECTION); // after the footer
    usage.sectionKeys(sections);
  }

  /** The {@code --set} assignments followed by those of the flags that were given. */
  List<String> assignments(ParseResult parsed) {
    List<String> all = new ArrayList<>(parsed.matchedOptionValue("--set", List.<String>of()));
    for (Flag f : flags) {
      if (parsed.hasMatchedOption(f.name())) all.add(ConfigLoader.assignment(f.path(), parsed.matchedOptionValue(f.name(), null)));
    }
    return all;
  }
}
