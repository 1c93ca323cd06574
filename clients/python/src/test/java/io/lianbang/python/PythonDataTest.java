package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianbang.engine.data.BreastCancer;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.data.FashionMnist;
import io.lianbang.engine.data.IidPartitioner;
import io.lianbang.engine.data.Partition;
import io.lianbang.engine.data.Splits;
import io.lianbang.engine.data.TrainTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lianbang.data} holds the rows a Java client holds: its IID split equals
 * {@link IidPartitioner}'s index for index, its validation split {@link Splits#stratified}'s, and
 * {@code load("breast-cancer:I/N")} and {@code load("fashion-mnist:I/N")} give the features and
 * labels, bit for bit and in the same order, of the part {@code lianbang client --data} trains on.
 */
class PythonDataTest {
  /** (n, parts, seed) of the IID splits compared. */
  private static final long[][] SPLITS = {{569, 2, 42}, {569, 7, 42}, {1000, 3, -5}, {10, 10, 123456789012345L}, {60000, 5, 42}};

  @TempDir Path dir;

  /** A dataset whose only feature is the example's index, so that a subset shows which examples it took. */
  private static Dataset indexed(int[] labels, int classes) {
    float[] x = new float[labels.length];
    for (int i = 0; i < x.length; i++) x[i] = i;
    return Dataset.classification(x, new int[] {1}, labels, classes);
  }

  private static int[] indices(Dataset d) {
    float[] x = d.features();
    int[] out = new int[x.length];
    for (int i = 0; i < x.length; i++) out[i] = (int) x[i];
    return out;
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
    return out;
  }

  @Test
  void iidAndValidationSplitsEqualJavas() throws Exception {
    StringBuilder py = new StringBuilder("import json\nfrom lianbang import data\nout = {'iid': [], 'validation': []}\n");
    for (long[] s : SPLITS) {
      py.append("out['iid'].append([p.tolist() for p in data.iid_parts(").append(s[0]).append(", ").append(s[1]).append(", ")
          .append(s[2]).append(")])\n");
    }
    // labels 0, 1, 2 in runs of 1, 2 and 3: unequal classes whose quotas have remainders
    py.append("labels = [0, 1, 1, 2, 2, 2] * 50\n")
        .append("for f in (0.2, 0.1, 0.5):\n")
        .append("    tr, te = data.validation_split(labels, f)\n")
        .append("    out['validation'].append([tr.tolist(), te.tolist()])\n")
        .append("print(json.dumps(out))\n");
    Python.Result r = Python.run(List.of("-c", py.toString()), Map.of(), 300);
    assertEquals(0, r.exitCode(), r.output());
    JsonNode out = new ObjectMapper().readTree(r.output());

    for (int k = 0; k < SPLITS.length; k++) {
      int n = (int) SPLITS[k][0];
      Partition p = new IidPartitioner((int) SPLITS[k][1]).partition(indexed(new int[n], 1), SPLITS[k][2]);
      JsonNode parts = out.get("iid").get(k);
      assertEquals(p.numClients(), parts.size());
      for (int c = 0; c < p.numClients(); c++) {
        assertArrayEquals(p.indices(c), ints(parts.get(c)), "part " + c + " of " + java.util.Arrays.toString(SPLITS[k]));
      }
    }
    int[] labels = new int[300];
    int[] pattern = {0, 1, 1, 2, 2, 2};
    for (int i = 0; i < labels.length; i++) labels[i] = pattern[i % 6];
    double[] fractions = {0.2, 0.1, 0.5};
    for (int k = 0; k < fractions.length; k++) {
      TrainTest t = Splits.stratified(indexed(labels, 3), fractions[k], 42);
      JsonNode split = out.get("validation").get(k);
      assertArrayEquals(indices(t.train()), ints(split.get(0)), "training part of fraction " + fractions[k]);
      assertArrayEquals(indices(t.test()), ints(split.get(1)), "held-out part of fraction " + fractions[k]);
    }
  }

  @Test
  void loadedPartsHoldTheRowsOfTheJavaClient() throws Exception {
    String py = "import sys\nfrom lianbang import data\n"
        + "for spec, name in (('breast-cancer', 'all'), ('breast-cancer:1/3', 'bc'), ('fashion-mnist:2/5', 'fm')):\n"
        + "    d = data.load(spec)\n"
        + "    open(sys.argv[1] + '/' + name + '.x', 'wb').write(d.x.astype('<f4').tobytes())\n"
        + "    open(sys.argv[1] + '/' + name + '.y', 'wb').write(d.y.astype('<i4').tobytes())\n";
    Python.Result r = Python.run(List.of("-c", py, dir.toString()), Map.of(), 300);
    assertEquals(0, r.exitCode(), r.output());

    Dataset bc = BreastCancer.load();
    assertPart(bc, "all");
    assertPart(new IidPartitioner(3).partition(bc, 42).subset(bc, 1), "bc");
    Dataset fm = FashionMnist.loadTrain(null);
    assertPart(new IidPartitioner(5).partition(fm, 42).subset(fm, 2), "fm");
  }

  private void assertPart(Dataset expected, String name) throws Exception {
    ByteBuffer x = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(name + ".x"))).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer y = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(name + ".y"))).order(ByteOrder.LITTLE_ENDIAN);
    float[] features = new float[x.remaining() / 4];
    x.asFloatBuffer().get(features);
    int[] labels = new int[y.remaining() / 4];
    y.asIntBuffer().get(labels);
    assertArrayEquals(expected.labels(), labels, name + " labels");
    assertArrayEquals(expected.features(), features, name + " features");
  }
}
