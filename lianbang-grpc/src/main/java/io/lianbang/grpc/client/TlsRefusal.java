package io.lianbang.grpc.client;

import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Recognises a TLS handshake that failed over a certificate: the server refused the client's
 * (none under mutual TLS, or one its CA did not sign) or the client could not verify the
 * server's. gRPC reports these as {@code UNAVAILABLE}, like a server that is down, but retrying
 * cannot fix them.
 */
final class TlsRefusal {
  /** TLS alerts and verification errors about certificates, as the JDK and BoringSSL word them. */
  private static final Pattern CERTIFICATE_PROBLEM = Pattern.compile(
      "certificate[_ ]required|bad[_ ]certificate|unknown[_ ]ca|certificate[_ ]unknown|certificate[_ ]expired"
          + "|certificate[_ ]revoked|unsupported[_ ]certificate|certificate[_ ]verify[_ ]failed|access[_ ]denied"
          + "|pkix path|no trusted certificate");

  private TlsRefusal() {}

  /**
   * The TLS error in {@code e}'s causes that names a certificate problem, or null if there is none:
   * an {@link SSLException}, or one of its causes (the engine may word the handshake failure
   * generally and keep the certificate's problem, such as a failed PKIX validation, in a cause).
   */
  static String describe(Throwable e) {
    int depth = 0;
    boolean tls = false;
    for (Throwable t = e; t != null && depth < 16; t = t.getCause(), depth++) {
      tls |= t instanceof SSLException;
      if (tls && t.getMessage() != null && CERTIFICATE_PROBLEM.matcher(t.getMessage().toLowerCase(Locale.ROOT)).find()) {
        String m = t.getMessage();
        return m.length() <= 200 ? m : m.substring(0, 200) + "...";
      }
    }
    return null;
  }
}
