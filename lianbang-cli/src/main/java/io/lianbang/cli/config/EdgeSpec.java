package io.lianbang.cli.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.core.check.Require;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.sim.spec.Seconds;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The configuration of {@code lianbang edge}, an edge aggregator between its own clients and a
 * parent server (hierarchical aggregation); each key also has a flag. Every value is checked on
 * construction and errors name the key.
 *
 * @param parent host:port of the parent server; required
 * @param name this edge's identity at the parent (its certificate CN when it presents one); required
 * @param seed the parent's run seed; required
 * @param model the engine model, equal to the parent's; required
 * @param listen host:port where the edge's own clients dial in
 * @param minClients clients to wait for before each round, at least 1
 * @param waitForClientsSeconds how long a round waits for {@code minClients}
 * @param roundTimeoutSeconds the deadline of the clients' fit and evaluation tasks
 * @param maxExamples the largest example count a client may claim (larger claims are clipped);
 *     must equal the parent's {@code limits.max_examples}
 * @param clients the allow-list of the edge's clients; empty allows any authenticated client
 * @param tls the certificates of both sides; null only with {@code insecure}
 * @param insecure plaintext both ways, clients named by themselves (loopback tests only)
 */
@JsonPropertyOrder({"parent", "name", "seed", "model", "listen", "min_clients", "wait_for_clients_seconds", "round_timeout_seconds",
    "max_examples", "clients", "tls", "insecure"})
public record EdgeSpec(String parent, String name, Long seed, String model, String listen, int minClients, double waitForClientsSeconds,
    double roundTimeoutSeconds, long maxExamples, List<String> clients, Tls tls, boolean insecure) {
  public EdgeSpec {
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(seed, "seed");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(listen, "listen");
    Require.atLeast("min_clients", minClients, 1);
    Seconds.check("wait_for_clients_seconds", waitForClientsSeconds);
    Seconds.check("round_timeout_seconds", roundTimeoutSeconds);
    Require.inRange("max_examples", maxExamples, 1, FederationConfig.MAX_EXAMPLES_LIMIT);
    clients = List.copyOf(Objects.requireNonNull(clients, "clients"));
    if (!insecure && tls == null) {
      throw new IllegalArgumentException("tls.ca, tls.certificate, tls.private_key and tls.client_ca (--ca, --cert, --key, --client-ca) "
          + "must be set (mutual TLS with the parent and with the edge's clients), or insecure (--insecure)");
    }
  }

  static ObjectNode defaults() {
    EdgeSpec d = new EdgeSpec("", "", 0L, "", "127.0.0.1:7444", 1, 60, 600, 1_000_000, List.of(), null, true);
    ObjectNode tree = ConfigLoader.jsonMapper().valueToTree(d);
    for (String required : new String[] {"parent", "name", "seed", "model"}) tree.remove(required);
    tree.put("insecure", false);
    return tree;
  }

  /**
   * The {@code tls} section: PEM files, all required.
   *
   * @param ca the CA of the parent's certificate
   * @param certificate the edge's certificate, to the parent (mutual TLS) and to its own clients
   * @param privateKey its private key (PKCS#8)
   * @param clientCa the CA of the edge's clients' certificates (mutual TLS with them)
   */
  @JsonPropertyOrder({"ca", "certificate", "private_key", "client_ca"})
  public record Tls(Path ca, Path certificate, Path privateKey, Path clientCa) {
    public Tls {
      if (ca == null || certificate == null || privateKey == null || clientCa == null) {
        throw new IllegalArgumentException("tls.ca, tls.certificate, tls.private_key and tls.client_ca (--ca, --cert, --key, "
            + "--client-ca) go together");
      }
    }
  }
}
