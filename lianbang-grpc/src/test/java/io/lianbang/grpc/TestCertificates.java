package io.lianbang.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Certificates for the tests' mutual TLS, made by the {@code openssl} command-line tool so that this
 * module needs no certificate library: the same files as {@code lianbang certs} writes (ECDSA P-256
 * keys in PKCS#8 PEM, SHA-256 signatures, valid for one day). {@code ca.pem}/{@code ca-key.pem}
 * is a CA (basicConstraints CA:true, keyCertSign); {@code server.pem}/{@code server-key.pem} has
 * CN=localhost, SAN DNS:localhost and IP:127.0.0.1 and serverAuth; {@code client-NAME.pem}/{@code
 * client-NAME-key.pem} has CN=NAME and clientAuth. Each {@code openssl} call has a deadline.
 */
public final class TestCertificates {
  /** Seconds each {@code openssl} call may take. */
  private static final long DEADLINE_SECONDS = 60;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
  private static final Pattern SUBJECT = Pattern.compile("CN=[A-Za-z0-9._@ -]+([,+]CN=[A-Za-z0-9._@ -]+)*");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String CONFIG = """
      [req]
      distinguished_name = dn
      [dn]
      [ca]
      basicConstraints = critical, CA:true
      keyUsage = critical, keyCertSign, cRLSign
      subjectKeyIdentifier = hash
      authorityKeyIdentifier = keyid
      [server]
      basicConstraints = critical, CA:false
      keyUsage = critical, digitalSignature
      extendedKeyUsage = serverAuth
      subjectKeyIdentifier = hash
      authorityKeyIdentifier = keyid
      subjectAltName = DNS:localhost, IP:127.0.0.1
      [client]
      basicConstraints = critical, CA:false
      keyUsage = critical, digitalSignature
      extendedKeyUsage = clientAuth
      subjectKeyIdentifier = hash
      authorityKeyIdentifier = keyid
      [bare_client]
      keyUsage = critical, digitalSignature
      extendedKeyUsage = clientAuth
      """;

  private TestCertificates() {}

  /**
   * Writes a CA, a server certificate and one client certificate per name into {@code out}.
   *
   * @throws IllegalArgumentException if a name is invalid or one of the files already exists
   * @throws IllegalStateException if {@code openssl} is missing or fails
   */
  public static void generate(Path out, List<String> clients) {
    List<String> files = new ArrayList<>(List.of("ca.pem", "ca-key.pem", "server.pem", "server-key.pem"));
    for (String c : clients) {
      if (!NAME.matcher(c).matches()) throw new IllegalArgumentException("client name '" + c + "' is invalid");
      files.add("client-" + c + ".pem");
      files.add("client-" + c + "-key.pem");
    }
    for (String f : files) {
      if (Files.exists(out.resolve(f))) throw new IllegalArgumentException(out.resolve(f) + " already exists; choose an empty directory");
    }
    withConfig(config -> {
      Files.createDirectories(out);
      Path caKey = key(out.resolve("ca-key.pem"));
      openssl("req", "-config", config.toString(), "-x509", "-new", "-key", caKey.toString(), "-subj", "/CN=Lianbang development CA",
          "-days", "1", "-sha256", "-extensions", "ca", "-set_serial", serial(), "-out", out.resolve("ca.pem").toString());
      sign(config, out, "/CN=localhost", "server", out.resolve("server.pem"), out.resolve("server-key.pem"));
      for (String c : clients) {
        sign(config, out, "/CN=" + c, "client", out.resolve("client-" + c + ".pem"), out.resolve("client-" + c + "-key.pem"));
      }
    });
  }

  /**
   * Writes {@code NAME.pem} and {@code NAME-key.pem} into {@code dir}: a client certificate signed by
   * the CA there, with only keyUsage and extendedKeyUsage (clientAuth) as extensions.
   *
   * @param subject common names in RFC 4514 order, {@code ','} between RDNs and {@code '+'} inside
   *     a multi-valued one, e.g. {@code CN=alice,CN=mallory} or {@code CN=mallory+CN=alice}
   */
  public static void signClient(Path dir, String subject, String name) {
    if (!SUBJECT.matcher(subject).matches()) throw new IllegalArgumentException("subject '" + subject + "' is not CN=...[,+]CN=...");
    if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("name '" + name + "' is invalid");
    withConfig(config -> sign(config, dir, "/" + subject.replace(',', '/'), "bare_client", dir.resolve(name + ".pem"),
        dir.resolve(name + "-key.pem")));
  }

  /** A new key pair into {@code file}; {@code openssl genpkey} writes PKCS#8 ("PRIVATE KEY"). */
  private static Path key(Path file) {
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file.toString());
    return file;
  }

  /** A new key and a certificate for {@code subject} with the config's {@code extensions}, signed by the CA in {@code caDir}. */
  private static void sign(Path config, Path caDir, String subject, String extensions, Path certificate, Path privateKey) throws IOException {
    key(privateKey);
    Path request = config.resolveSibling(certificate.getFileName() + ".csr");
    openssl("req", "-config", config.toString(), "-new", "-multivalue-rdn", "-key", privateKey.toString(), "-subj", subject,
        "-out", request.toString());
    openssl("x509", "-req", "-in", request.toString(), "-CA", caDir.resolve("ca.pem").toString(), "-CAkey",
        caDir.resolve("ca-key.pem").toString(), "-set_serial", serial(), "-days", "1", "-sha256", "-extfile", config.toString(),
        "-extensions", extensions, "-out", certificate.toString());
  }

  private static String serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE).toString();
  }

  private interface Work {
    void run(Path config) throws IOException;
  }

  /** Runs {@code work} with the extension config in a scratch directory, removed afterwards. */
  private static void withConfig(Work work) {
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("lianbang-test-certs");
      Path config = scratch.resolve("openssl.cnf");
      Files.writeString(config, CONFIG, StandardCharsets.US_ASCII);
      work.run(config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (scratch != null) {
        try (Stream<Path> files = Files.walk(scratch)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
          // a scratch directory left behind in the temporary directory
        }
      }
    }
  }

  /** Runs {@code openssl} with {@code args}, within the deadline, and fails with its output if it does not succeed. */
  private static void openssl(String... args) {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Path log = null;
    try {
      log = Files.createTempFile("lianbang-openssl", ".log");
      Process p;
      try {
        p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      } catch (IOException e) {
        throw new IllegalStateException("the tests make their TLS certificates with the openssl command, which cannot be run ("
            + e.getMessage() + "); install it, e.g. apt-get install -y openssl", e);
      }
      if (!p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish within " + DEADLINE_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + p.exitValue() + ": " + Files.readString(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
    } finally {
      if (log != null) log.toFile().delete();
    }
  }
}
