package io.lianbang.cli;

import io.lianbang.devcerts.DevCertificates;
import io.lianbang.grpc.tls.KeyMatch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
          + "Run again on the same directory, it keeps the files there (the existing CA signs new "
          + "certificates) and adds what is missing, e.g. a new client. For production, use your organisation's CA.",
      ""
    })
final class CertsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write into; files already there are kept.")
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
      g = DevCertificates.complete(out, serverHosts, clients, Duration.ofDays(days), KeyMatch::key);
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new CliException(e.getMessage());
    }
    List<Path> all = new ArrayList<>(List.of(g.caCertificate(), g.caCertificate().resolveSibling("ca-key.pem"), g.serverCertificate(),
        g.serverKey()));
    all.addAll(g.clientFiles());
    List<String> written = all.stream().filter(p -> !g.kept().contains(p)).map(p -> p.getFileName().toString()).toList();
    List<String> kept = g.kept().stream().map(p -> p.getFileName().toString()).toList();
    PrintWriter w = spec.commandLine().getOut();
    w.println((written.isEmpty() ? "nothing to add" : "wrote " + String.join(", ", written)) + " in " + out
        + (kept.isEmpty() ? "" : "; kept " + String.join(", ", kept)));
    w.flush();
    return 0;
  }
}
