package io.lianbang.cli;

import io.lianbang.grpc.tls.DevCertificates;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lianbang certs}: a development CA with server and client certificates. */
@Command(name = "certs", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
    description = {
      "Generate a development certificate authority, a server certificate and one client certificate per "
          + "client (its CN is the client's identity on the server). ECDSA P-256 keys, PEM files. "
          + "For production, use your organisation's CA.",
      ""
    })
final class CertsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write into (files must not exist).")
  Path out;

  @Option(names = "--server-host", split = ",", paramLabel = "HOST",
      description = "Names or addresses clients use to reach the server (localhost and 127.0.0.1 are always included).")
  List<String> serverHosts = List.of("localhost");

  @Option(names = "--clients", required = true, split = ",", paramLabel = "NAME", description = "Client identities, comma-separated.")
  List<String> clients;

  @Option(names = "--days", defaultValue = "365", paramLabel = "N", description = "Validity in days (default: ${DEFAULT-VALUE}).")
  int days;

  @Override
  public Integer call() {
    if (days < 1) throw new CliException("--days must be >= 1, got " + days);
    DevCertificates.Generated g;
    try {
      g = DevCertificates.generate(out, serverHosts, clients, Duration.ofDays(days));
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    PrintWriter w = spec.commandLine().getOut();
    w.println("wrote " + g.caCertificate() + ", " + g.serverCertificate() + ", " + g.serverKey() + " and "
        + g.clientFiles().size() / 2 + " client certificates into " + out);
    w.flush();
    return 0;
  }
}
