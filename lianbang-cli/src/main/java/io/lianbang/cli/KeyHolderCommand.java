package io.lianbang.cli;

import io.lianbang.grpc.keyholder.KeyHolderServer;
import io.lianbang.grpc.tls.ServerTls;
import io.lianbang.privacy.paillier.LocalKeyHolder;
import io.lianbang.cli.config.ConfigException;
import io.lianbang.cli.config.ConfigKeys;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.config.KeyHolderSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lianbang keyholder}: the Paillier key holder of a deployment, a process of its own. */
@Command(name = "keyholder", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
    description = {
      "Hold the private key of Paillier aggregation (privacy.paillier in the server's configuration): generate "
          + "a key pair, publish the public key and decrypt each round's aggregated ciphertext for the server, which "
          + "dials this process (key_holder.address). Releases at most one aggregate per round, rounds "
          + "increasing, and none of fewer than --min-contributions updates; never sees an individual update. "
          + "Runs until stopped. The private key lives only in this process's memory.",
      ""
    })
final class KeyHolderCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  /** The flags, each the assignment of one key of {@link KeyHolderSpec}. */
  static final ConfigFlags FLAGS = new ConfigFlags(List.of(
      ConfigFlags.flag("--listen", "listen", String.class, "HOST:PORT", "The address to serve on; port 0 picks a free port "
          + "(default: 127.0.0.1:7070)."),
      ConfigFlags.flag("--key-bits", "key_bits", Integer.class, "BITS", "Bits of the Paillier modulus: even, in [512, 8192]; below "
          + "2048 only for tests (default: 2048)."),
      ConfigFlags.flag("--min-contributions", "min_contributions", Integer.class, "N", "Release no aggregate of fewer updates; at "
          + "least 2 (default: 2)."),
      ConfigFlags.flag("--max-length", "max_length", Integer.class, "N", "The most ciphertexts an aggregate may hold: the model's "
          + "value count + 2 (default: 100002)."),
      ConfigFlags.flag("--cert", "tls.certificate", String.class, "PEM", "The key holder's certificate (enables TLS; required off "
          + "loopback)."),
      ConfigFlags.flag("--key", "tls.private_key", String.class, "PEM", "The key holder's private key (PKCS#8), with --cert.")),
      ConfigKeys::keyHolder, "min_contributions=3");

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The key holder's YAML configuration (optional).")
  Path config;

  @Override
  public Integer call() throws Exception {
    KeyHolderSpec c;
    HostPort at;
    try {
      c = ConfigLoader.loadKeyHolder(config, FLAGS.assignments(spec.commandLine().getParseResult()));
      at = HostPort.parse("listen", c.listen(), true);
    } catch (ConfigException e) {
      throw new CliException(e.getMessage());
    }
    int keyBits = c.keyBits();
    int minContributions = c.minContributions();
    LocalKeyHolder holder = LocalKeyHolder.generate(keyBits, minContributions, new SecureRandom());
    KeyHolderServer server;
    try {
      server = KeyHolderServer.start(at.host(), at.port(), holder, c.maxLength(),
          c.tls() == null ? null : new ServerTls(c.tls().certificate(), c.tls().privateKey(), null));
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new CliException(e.getMessage());
    }
    try (server) {
      PrintWriter out = spec.commandLine().getOut();
      out.println("key holder listening on " + at.host() + " (port " + server.port() + "), " + keyBits + "-bit key, releasing sums of at least "
          + minContributions + " updates");
      out.flush();
      server.awaitTermination();
    }
    return 0;
  }
}
