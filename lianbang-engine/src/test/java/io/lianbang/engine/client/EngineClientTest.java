package io.lianbang.engine.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.strategy.Scaffold;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.data.BreastCancer;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.engine.nn.Init;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import io.lianbang.engine.nn.OptimizerType;
import org.junit.jupiter.api.Test;

class EngineClientTest {
  private static final ModelSpec SPEC = ModelSpec.parse("logistic:30");

  private static Dataset data() {
    Dataset all = BreastCancer.load();
    return Standardizer.fit(all).transform(all).subset(java.util.stream.IntStream.range(0, 100).toArray());
  }

  private static Parameters initial() {
    return Models.create(SPEC, Init.PYTORCH_DEFAULT, 3).parameters();
  }

  private static Config config() {
    return EngineClient.fitConfig(2, 32, OptimizerType.SGD, 0.1, 0, 0);
  }

  @Test
  void theOptimizerTravelsAsItsWord() {
    assertEquals("sgd", config().getString(EngineClient.OPTIMIZER, null));
    assertEquals("adam", EngineClient.fitConfig(1, 8, OptimizerType.ADAM, 0.1, 0, 0).getString(EngineClient.OPTIMIZER, null));
  }

  @Test
  void anUnknownOptimizerInATaskIsRefusedNamingTheWords() {
    EngineClient c = new EngineClient(SPEC, data(), data(), 1);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> c.fit(new FitTask(1, initial(), config().with(EngineClient.OPTIMIZER, "rmsprop"), 5)));
    assertEquals("config optimizer must be one of sgd, adam, got rmsprop", e.getMessage());
  }

  @Test
  void aTaskWithoutConfigurationTakesTheDocumentedDefaultsAndUnknownKeysAreIgnored() {
    // docs/protocol.md: local_epochs 1, batch_size 32, optimizer sgd, lr 0.01, momentum 0, weight_decay 0
    FitResult bare = new EngineClient(SPEC, data(), data(), 1).fit(new FitTask(1, initial(), Config.empty(), 5));
    FitResult explicit = new EngineClient(SPEC, data(), data(), 1)
        .fit(new FitTask(1, initial(), EngineClient.fitConfig(1, 32, OptimizerType.SGD, 0.01, 0, 0), 5));
    assertEquals(4.0, bare.metrics().get("local_steps").orElseThrow(), "one epoch of ceil(100/32) = 4 batches");
    assertEquals(explicit.parameters(), bare.parameters());
    assertEquals(explicit.metrics(), bare.metrics());
    // keys the client does not know are ignored
    FitResult future = new EngineClient(SPEC, data(), data(), 1)
        .fit(new FitTask(1, initial(), Config.empty().with("a_key_of_a_later_server", "x").with("another", 2L), 5));
    assertEquals(explicit.parameters(), future.parameters());
  }

  @Test
  void reportsLocalStepsAndTheLossBeforeTraining() {
    EngineClient c = new EngineClient(SPEC, data(), data(), 1);
    FitResult r = c.fit(new FitTask(1, initial(), config().with(EngineClient.INITIAL_LOSS, true), 5));
    assertEquals(2.0 * 4, r.metrics().get("local_steps").orElseThrow(), "2 epochs of ceil(100/32) = 4 batches");
    assertEquals(100, r.numExamples(), "the training data's size, not examples times epochs");
    double before = r.metrics().get("initial_loss").orElseThrow();
    assertTrue(before > r.metrics().get("train_loss").orElseThrow(), "training lowers the loss");
  }

  @Test
  void proximalTermKeepsTheModelCloserToTheGlobalOne() {
    Parameters x = initial();
    FitResult plain = new EngineClient(SPEC, data(), data(), 1).fit(new FitTask(1, x, config(), 5));
    FitResult prox = new EngineClient(SPEC, data(), data(), 1).fit(new FitTask(1, x, config().with(EngineClient.PROXIMAL_MU, 5.0), 5));
    assertTrue(distance(x, prox.parameters()) < distance(x, plain.parameters()));
  }

  @Test
  void scaffoldReturnsTheModelAndTheControlVariateChange() {
    Parameters x = initial();
    Parameters zero = Parameters.unflatten(x.shapes(), new float[(int) x.elementCount()]);
    EngineClient c = new EngineClient(SPEC, data(), data(), 1);
    Config cfg = config().with(EngineClient.SCAFFOLD, true);
    FitResult r = c.fit(new FitTask(1, Scaffold.withControl(x, zero), cfg, 5));
    assertEquals(2 * x.count(), r.parameters().count());
    Parameters y = Scaffold.part(r.parameters(), 0, x.count());
    float[] dc = Scaffold.part(r.parameters(), x.count(), 2 * x.count()).flatten();
    // with c = c_i = 0 the first round is plain SGD and Δc_i = (x − y) / (K·lr), K = 8
    FitResult plain = new EngineClient(SPEC, data(), data(), 1).fit(new FitTask(1, x, config(), 5));
    assertArrayEquals(plain.parameters().flatten(), y.flatten());
    float[] xf = x.flatten();
    float[] yf = y.flatten();
    for (int j = 0; j < xf.length; j++) assertEquals((xf[j] - yf[j]) / (8 * 0.1), dc[j], 1e-5);
    // the client keeps c_i: the next round's correction c − c_i is no longer zero
    FitResult second = c.fit(new FitTask(2, Scaffold.withControl(x, zero), cfg, 5));
    assertNotEquals(plain.parameters(), Scaffold.part(second.parameters(), 0, x.count()));
  }

  private static double distance(Parameters a, Parameters b) {
    float[] u = a.flatten();
    float[] v = b.flatten();
    double s = 0;
    for (int i = 0; i < u.length; i++) s += (u[i] - v[i]) * (u[i] - v[i]);
    return Math.sqrt(s);
  }
}
