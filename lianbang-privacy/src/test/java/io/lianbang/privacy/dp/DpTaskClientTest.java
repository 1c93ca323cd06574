package io.lianbang.privacy.dp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.task.Config;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.privacy.TargetClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A deployed client's DP as its fit tasks state it: none, clipping, local noise, and malformed instructions. */
class DpTaskClientTest {
  /** From the zero model the target client moves halfway to (6, 8): the update (3, 4) has norm 5. */
  private static final TargetClient TARGET = new TargetClient(new float[] {6, 8}, 40);

  private static FitTask task(Config config) {
    return new FitTask(1, Parameters.of(Tensor.vector(new float[] {0, 0})), config, 7);
  }

  private static DpTaskConfig local(Long seed) {
    return new DpTaskConfig("local", 1.0, 0.5, 1e-5, seed);
  }

  @Test
  void aTaskWithoutDpEntriesTrainsAsItIs() {
    FitResult r = new DpTaskClient(TARGET, "a", false).fit(task(Config.empty().with("lr", 0.1)));
    assertArrayEquals(new float[] {3, 4}, r.parameters().flatten());
    assertEquals(40, r.numExamples());
  }

  @Test
  void clientModeClipsToTheNormTheTaskGivesAndReportsWeightOne() {
    FitResult r = new DpTaskClient(TARGET, "a", false).fit(task(DpTaskConfig.clientClipping(2.5).toConfig()));
    // (3, 4) scaled to norm 2.5: (1.5, 2)
    assertArrayEquals(new float[] {1.5f, 2f}, r.parameters().flatten(), 1e-6f);
    assertEquals(1, r.numExamples());
  }

  @Test
  void localModeAddsNoiseComposesEpsilonAndSeedsOnlyWhenAllowed() {
    DpTaskClient secure = new DpTaskClient(TARGET, "a", false);
    FitResult r = secure.fit(task(local(null).toConfig()));
    assertEquals(40, r.numExamples());
    // clipped to norm 1 is (0.6, 0.8); the noise moves it
    assertFalse(java.util.Arrays.equals(new float[] {0.6f, 0.8f}, r.parameters().flatten()));
    double once = secure.localSpent().orElseThrow().epsilon();
    secure.fit(task(local(null).toConfig()));
    assertTrue(secure.localSpent().orElseThrow().epsilon() > once, "epsilon composes over the releases");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> secure.fit(task(local(5L).toConfig())));
    assertTrue(e.getMessage().startsWith("config dp_noise seeded is refused"), e.getMessage());

    // seeded noise: reproducible for one client name, different for another
    float[] a1 = new DpTaskClient(TARGET, "a", true).fit(task(local(5L).toConfig())).parameters().flatten();
    float[] a2 = new DpTaskClient(TARGET, "a", true).fit(task(local(5L).toConfig())).parameters().flatten();
    float[] b = new DpTaskClient(TARGET, "b", true).fit(task(local(5L).toConfig())).parameters().flatten();
    assertArrayEquals(a1, a2);
    assertFalse(java.util.Arrays.equals(a1, b));
  }

  @Test
  void malformedInstructionsAreRefusedNamingTheKeyAndValue() {
    Config ok = local(5L).toConfig();
    Object[][] rows = {
        {Map.of("dp_mode", "gaussian", "dp_clip", 1.0), "config dp_mode must be client or local, got 'gaussian'"},
        {Map.of("dp_mode", "x".repeat(100_000), "dp_clip", 1.0), "(100000 characters)"},
        {Map.of("dp_mode", "client"), "config dp_clip is missing for dp_mode client"},
        {Map.of("dp_mode", "client", "dp_clip", -1.0), "config dp_clip must be > 0, got -1.0"},
        {Map.of("dp_mode", "client", "dp_clip", Double.POSITIVE_INFINITY), "config dp_clip must be > 0, got Infinity"},
        {Map.of("dp_mode", "client", "dp_clip", "big"), "config dp_clip must be a number, got big"},
        {Map.of("dp_clip", 0.0), "config dp_clip must be > 0, got 0.0"},
        {Map.of("dp_mode", "local", "dp_clip", 1.0, "dp_delta", 1e-5), "config dp_noise_multiplier is missing for dp_mode local"},
        {with(ok, "dp_noise_multiplier", 0.0), "config dp_noise_multiplier must be > 0 for dp_mode local, got 0.0"},
        {with(ok, "dp_delta", 1.0), "config dp_delta must be in (0, 1), got 1.0"},
        {with(ok, "dp_noise", "pseudo"), "config dp_noise must be secure or seeded, got 'pseudo'"},
        {with(ok, "dp_noise_seed", 1.5), "config dp_noise_seed must be an integer, got 1.5"}};
    for (Object[] row : rows) {
      @SuppressWarnings("unchecked")
      Config c = Config.of((Map<String, ?>) row[0]);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new DpTaskClient(TARGET, "a", true).fit(task(c)), String.valueOf(row[1]));
      assertTrue(e.getMessage().contains((String) row[1]), e.getMessage());
      assertTrue(e.getMessage().length() < 300, "abbreviated: " + e.getMessage().length());
    }
    Map<String, Object> noSeed = new java.util.TreeMap<>(ok.asMap());
    noSeed.remove("dp_noise_seed");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DpTaskConfig.read(Config.of(noSeed)));
    assertEquals("config dp_noise_seed is missing for dp_noise seeded", e.getMessage());
    assertEquals(local(5L), DpTaskConfig.read(ok).orElseThrow());
  }

  private static Map<String, Object> with(Config c, String key, Object value) {
    Map<String, Object> m = new java.util.TreeMap<>(c.asMap());
    m.put(key, value);
    return m;
  }
}
