package io.lianbang.privacy.paillier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lianbang.core.client.Client;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md, "Paillier aggregation": a client refuses a {@code length} other than its
 * contribution's (d + 2 for d values), and the refused contribution is gone.
 */
class PaillierClientTest {
  private static final Client ADD_ONE = new Client() {
    @Override
    public FitResult fit(FitTask task) {
      float[] w = task.parameters().tensor(0).toArray();
      for (int i = 0; i < w.length; i++) w[i] += 1;
      return new FitResult(Parameters.of(Tensor.vector(w)), 4, Metrics.empty());
    }

    @Override
    public EvalResult evaluate(EvalTask task) {
      throw new UnsupportedOperationException();
    }
  };

  @Test
  void aLengthOtherThanTheContributionsIsRefused() {
    SecureRandom random = new SecureRandom();
    PaillierPublicKey key = LocalKeyHolder.generate(512, 2, random).publicKey();
    PaillierClient client = new PaillierClient(ADD_ONE, random);
    Config paillier = Config.empty().with(PaillierAggregation.CONFIG_KEY, true);
    client.fit(new FitTask(1, Parameters.of(Tensor.vector(0, 0, 0)), paillier, 7));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.take(1, key, 4));
    assertEquals("paillier length 4 does not match this client's contribution of 5 entries", e.getMessage());
    IllegalStateException gone = assertThrows(IllegalStateException.class, () -> client.take(1, key, 5));
    assertEquals("no encrypted contribution for round 1", gone.getMessage());

    client.fit(new FitTask(2, Parameters.of(Tensor.vector(0, 0, 0)), paillier, 7));
    assertEquals(5, client.take(2, key, 5).size(), "d + 2 ciphertexts for d = 3 values");
  }
}
