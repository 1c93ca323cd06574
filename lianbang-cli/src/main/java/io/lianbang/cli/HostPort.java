package io.lianbang.cli;

import io.lianbang.core.text.Abbreviation;

/**
 * A {@code host:port} address given on the command line or in a configuration.
 *
 * @param host the host name or address (IPv6 literals keep their brackets)
 * @param port the TCP port
 */
record HostPort(String host, int port) {
  /**
   * Parses {@code value}, the setting {@code what}.
   *
   * @param listen whether the address is one to listen on, where port 0 picks a free port
   * @throws CliException naming {@code what} and the value if it is not host:port with a port in
   *     1..65535 (0..65535 for {@code listen})
   */
  static HostPort parse(String what, String value, boolean listen) {
    int colon = value == null ? -1 : value.lastIndexOf(':');
    if (colon <= 0) throw new CliException(what + " must be host:port, got '" + Abbreviation.abbreviate(value) + "'");
    String digits = value.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new CliException(what + " port must be a number, got '" + Abbreviation.abbreviate(value) + "'");
    }
    int min = listen ? 0 : 1;
    if (port < min || port > 65535) {
      throw new CliException(what + " port must be in " + min + ".." + 65535 + (listen ? " (0 picks a free port)" : "")
          + ", got " + port);
    }
    return new HostPort(value.substring(0, colon), port);
  }
}
