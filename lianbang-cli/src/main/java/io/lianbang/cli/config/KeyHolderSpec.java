package io.lianbang.cli.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.core.check.Require;
import io.lianbang.sim.spec.PrivacySpec;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The configuration of {@code lianbang keyholder}, the Paillier key holder of a deployment; each
 * key also has a flag. Every value is checked on construction and errors name the key.
 *
 * @param listen host:port to serve on; port 0 picks a free port
 * @param keyBits bits of the Paillier modulus: even, in [512, 8192]; below 2048 only for tests
 * @param minContributions release no aggregate of fewer updates; at least 2
 * @param maxLength the most ciphertexts an aggregate may hold: the model's value count + 2, at least 3
 * @param tls the key holder's certificate and key (TLS, required off loopback); null for plaintext
 */
@JsonPropertyOrder({"listen", "key_bits", "min_contributions", "max_length", "tls"})
public record KeyHolderSpec(String listen, int keyBits, int minContributions, int maxLength, Tls tls) {
  public KeyHolderSpec {
    Objects.requireNonNull(listen, "listen");
    try {
      new PrivacySpec.Paillier(true, keyBits);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key_bits must be an even number in [512, 8192], got " + keyBits, e);
    }
    Require.atLeast("min_contributions", minContributions, 2);
    Require.atLeast("max_length", maxLength, 3);
  }

  static ObjectNode defaults() {
    return ConfigLoader.jsonMapper().valueToTree(new KeyHolderSpec("127.0.0.1:7070", 2048, 2, 100_002, null));
  }

  /**
   * The {@code tls} section: PEM files.
   *
   * @param certificate the key holder's certificate chain
   * @param privateKey its private key (PKCS#8)
   */
  @JsonPropertyOrder({"certificate", "private_key"})
  public record Tls(Path certificate, Path privateKey) {
    public Tls {
      if (certificate == null || privateKey == null) throw new IllegalArgumentException("tls.certificate and tls.private_key go together");
    }
  }
}
