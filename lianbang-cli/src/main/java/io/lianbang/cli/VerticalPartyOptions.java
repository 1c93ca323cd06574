package io.lianbang.cli;

import io.lianbang.cli.config.ConfigException;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.config.VerticalSpec;
import io.lianbang.cli.config.VerticalSpec.Role;
import io.lianbang.cli.vertical.PartyFailure;
import io.lianbang.cli.vertical.VerticalRun;
import io.lianbang.export.AtomicFile;
import io.lianbang.vertical.data.VerticalCsv;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.grpc.GrpcPartyLink;
import io.lianbang.vertical.link.LinkException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * What {@code vertical psi} and {@code vertical train} share: the options naming the party, the
 * configuration, the party's data, its link and the handling of a lost peer.
 */
final class VerticalPartyOptions {
  @Option(names = "--role", required = true, paramLabel = "ROLE", description = "This party's role: guest, host or arbiter.")
  String role;

  @Option(names = "--name", paramLabel = "NAME",
      description = "This party's name in parties (default: the one party of --role; required if several have it).")
  String name;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The run's YAML configuration, shared by every party.")
  Path config;

  /** The configuration with the {@code --set} and flag assignments. */
  VerticalSpec load(CommandSpec command) {
    try {
      return ConfigLoader.loadVertical(config, VerticalCommand.FLAGS.assignments(command.commandLine().getParseResult()));
    } catch (ConfigException e) {
      throw new CliException(e.getMessage());
    }
  }

  /** This party's name, checked against {@code --role}, {@code --name} and the parties. */
  String party(VerticalSpec spec, List<Role> allowed) {
    Role r = null;
    for (Role x : Role.values()) {
      if (x.toString().equals(role)) r = x;
    }
    if (r == null || !allowed.contains(r)) {
      throw new CliException("--role must be one of " + String.join(", ", allowed.stream().map(Role::toString).toList()) + ", got '" + role + "'");
    }
    List<String> named = spec.named(r);
    if (name != null) {
      VerticalSpec.Party p = spec.parties().get(name);
      if (p == null) throw new CliException("--name " + name + " is not in parties (" + String.join(", ", spec.parties().keySet()) + ")");
      if (p.role() != r) throw new CliException("--name " + name + " has role " + p.role() + " in parties, not --role " + role);
      return name;
    }
    if (named.isEmpty()) throw new CliException("--role " + role + ": no party has this role in parties");
    if (named.size() > 1) throw new CliException("--role " + role + ": several parties have it (" + String.join(", ", named) + "); choose one with --name");
    return named.get(0);
  }

  /** The party's data, or null for the arbiter; a guest's must have labels. */
  static VerticalTable data(VerticalSpec spec, String party) {
    VerticalSpec.Party p = spec.parties().get(party);
    if (p.data() == null) return null;
    String key = "parties." + party + ".data";
    VerticalTable t;
    try {
      t = VerticalCsv.read(p.data());
    } catch (java.nio.file.NoSuchFileException e) {
      throw new CliException(key + ": no such file " + p.data());
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      throw new CliException(key + ": cannot read " + p.data() + ": " + e.getMessage());
    }
    if (p.role() == Role.GUEST && !t.hasLabels()) throw new CliException(key + ": " + p.data() + " has no label column y, which the guest must hold");
    return t;
  }

  /** Starts {@code party}'s link to {@code peers}. */
  static GrpcPartyLink link(VerticalSpec spec, String party, List<String> peers) {
    Map<String, String> addresses = new LinkedHashMap<>();
    for (String p : peers) addresses.put(p, spec.parties().get(p).address());
    try {
      return GrpcPartyLink.builder().self(party).listen(spec.parties().get(party).address()).peers(addresses).runId(spec.runId())
          .tls(spec.tls().resolve(party)).settings(spec.link().settings()).start();
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new CliException(party + ": " + e.getMessage());
    }
  }

  /**
   * Runs {@code body} over {@code link}; a lost peer, a timeout or a refused message is one line on
   * {@code err} and its exit code ({@link PartyFailure}), with the stack trace only under {@code -v}.
   * The link is closed in every case.
   */
  static int run(String party, GrpcPartyLink link, VerticalRun run, PrintWriter err, Function<GrpcPartyLink, Integer> body) {
    try (link) {
      return body.apply(link);
    } catch (RuntimeException e) {
      LinkException cause = PartyFailure.linkCause(e);
      if (cause == null) throw e;
      Map<String, String> lost = new LinkedHashMap<>();
      for (String peer : link.peers()) {
        String why = link.lostReason(peer);
        if (why != null) lost.put(peer, why);
      }
      err.println(PartyFailure.line(party, run.step(), cause, lost));
      if (Main.verbose()) e.printStackTrace(err);
      err.flush();
      return PartyFailure.exitCode(cause);
    }
  }

  /** Writes {@code files} into {@code dir}, each atomically. */
  static void write(Path dir, Map<String, String> files) {
    try {
      for (Map.Entry<String, String> f : files.entrySet()) AtomicFile.write(dir.resolve(f.getKey()), f.getValue().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliException("output.directory: cannot write " + dir + ": " + e.getMessage());
    }
  }
}
