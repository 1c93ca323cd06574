package io.lianbang.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.compress.Codecs;
import io.lianbang.core.federation.EncodedSize;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.Traffic;
import io.lianbang.engine.nn.OptimizerType;
import io.lianbang.sim.spec.CompressionSpec;
import io.lianbang.sim.spec.DatasetSpec;
import io.lianbang.sim.spec.PartitionKind;
import io.lianbang.sim.spec.PartitionSpec;
import io.lianbang.sim.spec.PrivacySpec;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.StrategySpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompressionSimulationTest {
  private static final CompressionSpec.Downlink NO_DOWNLINK = new CompressionSpec.Downlink("none", null, null, false);
  private static final CompressionSpec.Uplink NO_UPLINK = new CompressionSpec.Uplink("none", null, null, null, null, null, null, false);

  private static SimulationSpec fashion(int threads, CompressionSpec compression) {
    return new SimulationSpec("c", 7, 3, threads, "mlp:784-32-10", DatasetSpec.fashionMnist(),
        new PartitionSpec(PartitionKind.DIRICHLET, 20, 0.5, 2, 10),
        new StrategySpec("fedavg", 5, 0, 0.5, 600, Map.of()),
        new TrainingSpec(1, 10, OptimizerType.SGD, 0.05, 0.0, 0.0), 1).withCompression(compression);
  }

  private static CompressionSpec uplink(String codec, String values, Double fraction, boolean errorFeedback) {
    return new CompressionSpec(new CompressionSpec.Uplink(codec, values, fraction, null, null, null, null, errorFeedback), NO_DOWNLINK);
  }

  private static double accuracy(SimulationResult r) {
    return r.run().history().last().centralized().orElseThrow().metrics().get("accuracy").orElseThrow();
  }

  private static long uplinkBytes(SimulationResult r) {
    return r.run().history().last().totalTraffic().uplinkBytes();
  }

  @Test
  void int8UplinkSendsTheEncodedSizeAndAQuarterOfFloat32() throws Exception {
    SimulationResult plain = Simulation.prepare(fashion(2, CompressionSpec.none())).run(List.of());
    SimulationResult int8 = Simulation.prepare(fashion(2, uplink("int8", null, null, false))).run(List.of());
    long encoded = EncodedSize.encoded(Codecs.create("int8", Map.of()), int8.run().parameters());
    for (RoundRecord round : int8.run().history().rounds().subList(1, 4)) {
      assertEquals(new Traffic(5 * encoded, 5 * EncodedSize.float32(int8.run().parameters())), round.traffic(), "round " + round.round());
    }
    double ratio = (double) uplinkBytes(plain) / uplinkBytes(int8);
    assertTrue(ratio >= 3.9, "float32/int8 uplink " + ratio);
    assertNotEquals(plain.run().history().withoutTiming(), int8.run().history().withoutTiming(), "int8 rounds the updates");
    double a = int8.run().history().last().centralized().orElseThrow().metrics().get("accuracy").orElseThrow();
    double b = plain.run().history().last().centralized().orElseThrow().metrics().get("accuracy").orElseThrow();
    assertTrue(Math.abs(a - b) < 0.02, "int8 " + a + " vs float32 " + b);
  }

  @Test
  void topOnePercentWithInt8ValuesSendsFiftyTimesFewerBytes() throws Exception {
    SimulationResult plain = Simulation.prepare(fashion(2, CompressionSpec.none())).run(List.of());
    SimulationResult topk = Simulation.prepare(fashion(2, uplink("topk", "int8", 0.01, true))).run(List.of());
    double ratio = (double) uplinkBytes(plain) / uplinkBytes(topk);
    assertTrue(ratio >= 50, "float32/topk+int8 uplink " + ratio);
  }

  @Test
  void errorFeedbackAndDeltaBroadcastsAreBitIdenticalAcrossThreadCounts() throws Exception {
    CompressionSpec c = new CompressionSpec(new CompressionSpec.Uplink("topk", "int8", 0.05, null, null, null, null, true),
        new CompressionSpec.Downlink("int8", null, null, true));
    SimulationResult one = Simulation.prepare(fashion(1, c)).run(List.of());
    SimulationResult two = Simulation.prepare(fashion(2, c)).run(List.of());
    assertArrayEquals(one.run().parameters().flatten(), two.run().parameters().flatten());
    assertEquals(one.run().history().withoutTiming(), two.run().history().withoutTiming());
    SimulationResult noFeedback = Simulation.prepare(fashion(1, new CompressionSpec(
        new CompressionSpec.Uplink("topk", "int8", 0.05, null, null, null, null, false), c.downlink()))).run(List.of());
    assertNotEquals(one.run().history().withoutTiming(), noFeedback.run().history().withoutTiming(), "error feedback changes the updates");
  }

  @Test
  void aDownlinkCodecShrinksTheBroadcast() throws Exception {
    CompressionSpec fp16 = new CompressionSpec(NO_UPLINK, new CompressionSpec.Downlink("fp16", null, null, false));
    SimulationResult r = Simulation.prepare(fashion(2, fp16)).run(List.of());
    long encoded = EncodedSize.encoded(Codecs.create("fp16", Map.of()), r.run().parameters());
    long float32 = EncodedSize.float32(r.run().parameters());
    for (RoundRecord round : r.run().history().rounds().subList(1, 4)) {
      assertEquals(new Traffic(5 * float32, 5 * encoded), round.traffic(), "round " + round.round());
    }
    double a = r.run().history().last().centralized().orElseThrow().metrics().get("accuracy").orElseThrow();
    assertTrue(a > 0.5, "accuracy with an fp16 broadcast " + a);
  }

  @Test
  void robustAggregatorsAndClientSideDpTakeCompressedUpdates() throws Exception {
    SimulationSpec base = fashion(2, uplink("topk", "int8", 0.05, true));
    SimulationSpec median = new SimulationSpec(base.name(), base.seed(), base.rounds(), base.threads(), base.model(), base.dataset(),
        base.partition(), new StrategySpec("median", 5, 0, 0.5, 600, Map.of()), base.training(), 1)
        .withCompression(uplink("int8", null, null, false));
    double a = accuracy(Simulation.prepare(median).run(List.of()));
    double plain = accuracy(Simulation.prepare(median.withCompression(CompressionSpec.none())).run(List.of()));
    assertTrue(Math.abs(a - plain) < 0.03, "median of decoded int8 updates " + a + ", of float32 ones " + plain);
    PrivacySpec dp = new PrivacySpec(PrivacySpec.SecAgg.disabled(), PrivacySpec.Paillier.disabled(),
        new PrivacySpec.Dp(io.lianbang.sim.spec.DpMode.CLIENT, 0.1, 1.0, false, 0.5, 1e-5, 0, true));
    SimulationResult noised = Simulation.prepare(base.withPrivacy(dp)).run(List.of());
    assertEquals(3, noised.run().history().last().round(), "clients clip and noise, then compress");
    assertTrue(noised.run().history().last().totalTraffic().uplinkBytes() < uplinkBytes(Simulation.prepare(fashion(2, CompressionSpec.none()))
        .run(List.of())) / 10, "the noised updates travel compressed");
  }

  @Test
  void invalidSettingsFailNamingTheKeyAndValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> uplink("int8", "int8", null, false));
    assertTrue(e.getMessage().contains("compression.uplink.values") && e.getMessage().contains("int8"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> uplink("int8", null, 0.1, false));
    assertTrue(e.getMessage().contains("compression.uplink") && e.getMessage().contains("fraction"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> uplink("none", null, null, true));
    assertTrue(e.getMessage().contains("compression.uplink.error_feedback"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> uplink("zip", null, null, false));
    assertTrue(e.getMessage().contains("compression.uplink.codec") && e.getMessage().contains("zip"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> uplink("topk", null, 1.5, false));
    assertTrue(e.getMessage().contains("fraction") && e.getMessage().contains("1.5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new CompressionSpec.Downlink("topk", null, null, false));
    assertTrue(e.getMessage().contains("compression.downlink.codec") && e.getMessage().contains("topk"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new CompressionSpec.Downlink("none", null, null, true));
    assertTrue(e.getMessage().contains("compression.downlink.delta"), e.getMessage());
  }

  @Test
  void secureAggregationRefusesSparseCodecsAndNarrowsItsFieldForDenseOnes() throws Exception {
    PrivacySpec secagg = new PrivacySpec(new PrivacySpec.SecAgg(true, 0, 0, 1.0, 32, 10_000, 60), PrivacySpec.Paillier.disabled(),
        PrivacySpec.Dp.none());
    SimulationSpec base = fashion(1, CompressionSpec.none()).withPrivacy(secagg);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> base.withCompression(uplink("topk", null, 0.01, false)));
    assertTrue(e.getMessage().contains("compression.uplink.codec topk") && e.getMessage().contains("dense"), e.getMessage());
    // 5 clients a round: 8 bits of resolution need 8 + 3 bits, and the field is at least 16 bits
    assertEquals(16, CompressionWiring.secAggModulusBits(uplink("int8", null, null, false), secagg, 5));
    assertEquals(8 + 10, CompressionWiring.secAggModulusBits(uplink("int8", null, null, false), secagg, 1000));
    assertEquals(32, CompressionWiring.secAggModulusBits(CompressionSpec.none(), secagg, 5));
    assertEquals(32, CompressionWiring.secAggModulusBits(uplink("float32", null, null, false), secagg, 5));
    SimulationResult narrow = Simulation.prepare(base.withCompression(uplink("int8", null, null, false))).run(List.of());
    double a = narrow.run().history().last().centralized().orElseThrow().metrics().get("accuracy").orElseThrow();
    assertTrue(a > 0.5, "accuracy with a 16-bit field " + a);
  }
}
