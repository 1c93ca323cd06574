package io.lianbang.cli.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.core.check.Require;
import io.lianbang.sim.spec.Seconds;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The YAML configuration of {@code lianbang client}; each key also has a flag (see
 * {@code lianbang client --help}), and flags win over the file. Every value is checked on
 * construction and errors name the key by its YAML path.
 *
 * @param server the server's host:port
 * @param data local training data: a CSV file with a header, the bundled {@code breast-cancer},
 *     or {@code breast-cancer:I/N} for part I (from 0) of an IID split into N parts; likewise
 *     {@code fashion-mnist} and {@code fashion-mnist:I/N}, the Fashion-MNIST training images
 * @param labelColumn the CSV column holding the class label; null for the last
 * @param model the engine model, as on the server, e.g. {@code logistic:30}
 * @param name this client's name; its identity only on servers without certificates or tokens
 * @param tls the server's CA and, for mutual TLS, this client's certificate and key; null with
 *     {@code insecure}
 * @param tokenFile a file holding this client's bearer token; null for none
 * @param insecure connect without TLS (only on a network you trust)
 * @param secagg send the update only masked, through secure aggregation, and refuse any other round
 * @param paillier send the update only encrypted, through Paillier aggregation, and refuse any
 *     other round
 * @param allowSeededDpNoise accept tasks asking for local differential-privacy noise seeded by
 *     the server (reproducible, but anyone with the seed can remove the noise)
 * @param validationFraction the share of the local data held out for evaluation tasks, in [0, 1);
 *     0 evaluates on the training data
 * @param giveUpAfterSeconds stop if the server stays unreachable this long
 * @param maxModelMb refuse any task whose model is larger than this many MiB, in [1, 2^40]
 */
@JsonPropertyOrder({"server", "data", "label_column", "model", "name", "tls", "token_file", "insecure", "secagg", "paillier",
    "allow_seeded_dp_noise", "validation_fraction", "give_up_after_seconds", "max_model_mb"})
public record ClientSpec(
    String server, String data, String labelColumn, String model, String name, Tls tls, Path tokenFile, boolean insecure,
    boolean secagg, boolean paillier, boolean allowSeededDpNoise, double validationFraction, double giveUpAfterSeconds,
    long maxModelMb) {

  public ClientSpec {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(data, "data");
    ServerSpec.requireModel(model);
    Objects.requireNonNull(name, "name");
    if (tls == null && !insecure) {
      throw new IllegalArgumentException("tls.ca (--ca) is required for TLS; set insecure: true (--insecure) for plaintext");
    }
    if (secagg && paillier) {
      throw new IllegalArgumentException("secagg and paillier cannot both be true (--secagg, --paillier): a server runs one of them");
    }
    Require.that(validationFraction >= 0 && validationFraction < 1, "validation_fraction", "in [0, 1)", validationFraction);
    Seconds.check("give_up_after_seconds", giveUpAfterSeconds);
    Require.that(maxModelMb >= 1 && maxModelMb <= 1L << 40, "max_model_mb", "in [1, 2^40]", maxModelMb);
  }

  /** The defaults of the keys that have one, as a tree which a file is merged over. */
  static ObjectNode defaults() {
    ClientSpec d = new ClientSpec("", "", null, "logistic:1", "", null, null, true, false, false, false, 0.2, 300, 1024);
    ObjectNode tree = ConfigLoader.jsonMapper().valueToTree(d);
    for (String required : new String[] {"server", "data", "model", "name"}) tree.remove(required);
    tree.put("insecure", false);
    return tree;
  }

  /**
   * The {@code tls} section: PEM files.
   *
   * @param ca the CA that signed the server's certificate
   * @param certificate this client's certificate, for mutual TLS
   * @param privateKey this client's private key (PKCS#8), for mutual TLS
   */
  @JsonPropertyOrder({"ca", "certificate", "private_key"})
  public record Tls(Path ca, Path certificate, Path privateKey) {
    public Tls {
      if (ca == null) throw new IllegalArgumentException("tls.ca (--ca) must be set when tls.certificate or tls.private_key is");
      if ((certificate == null) != (privateKey == null)) {
        throw new IllegalArgumentException("tls.certificate and tls.private_key (--cert, --key) go together");
      }
    }
  }
}
