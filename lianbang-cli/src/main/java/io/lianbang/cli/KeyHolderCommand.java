package io.lianbang.cli;

import io.lianbang.grpc.keyholder.KeyHolderServer;
import io.lianbang.grpc.tls.ServerTls;
import io.lianbang.privacy.paillier.LocalKeyHolder;
import io.lianbang.sim.spec.PrivacySpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
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
          + "dials this process (privacy.paillier.key_holder). Releases at most one aggregate per round, rounds "
          + "increasing, and none of fewer than --min-contributions updates; never sees an individual update. "
          + "Runs until stopped. The private key lives only in this process's memory.",
      ""
    })
final class KeyHolderCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7070",
      description = "The address to serve on; port 0 picks a free port (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--key-bits", paramLabel = "BITS", defaultValue = "2048",
      description = "Bits of the Paillier modulus: even, in [512, 8192]; below 2048 only for tests (default: ${DEFAULT-VALUE}).")
  int keyBits;

  @Option(names = "--min-contributions", paramLabel = "N", defaultValue = "2",
      description = "Release no aggregate of fewer updates; at least 2 (default: ${DEFAULT-VALUE}).")
  int minContributions;

  @Option(names = "--max-length", paramLabel = "N", defaultValue = "100002",
      description = "The most ciphertexts an aggregate may hold: the model's value count + 2 (default: ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(names = "--cert", paramLabel = "PEM", description = "The key holder's certificate (enables TLS; required off loopback).")
  Path cert;

  @Option(names = "--key", paramLabel = "PEM", description = "The key holder's private key (PKCS#8), with --cert.")
  Path key;

  @Override
  public Integer call() throws Exception {
    HostPort at = HostPort.parse("--listen", listen, true);
    if ((cert == null) != (key == null)) throw new CliException("--cert and --key go together");
    try {
      new PrivacySpec.Paillier(true, keyBits);
    } catch (IllegalArgumentException e) {
      throw new CliException("--key-bits must be an even number in [512, 8192], got " + keyBits);
    }
    if (minContributions < 2) throw new CliException("--min-contributions must be >= 2, got " + minContributions);
    LocalKeyHolder holder = LocalKeyHolder.generate(keyBits, minContributions, new SecureRandom());
    KeyHolderServer server;
    try {
      server = KeyHolderServer.start(at.host(), at.port(), holder, maxLength, cert == null ? null : new ServerTls(cert, key, null));
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new CliException(e.getMessage().replace("max_length", "--max-length"));
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
