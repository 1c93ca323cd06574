package io.lianbang.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SampledPartitionerTest {
  @Test
  void moreClientsThanExamplesEachWithDistinctExamplesFromTheSeed() {
    Dataset data = PartitionerTest.BALANCED; // 6,000 examples
    Partition p = new SampledPartitioner(20_000, 10).partition(data, 42);
    assertEquals(20_000, p.numClients());
    assertEquals(200_000, p.assignedCount());
    int[] held = new int[data.size()];
    for (int c = 0; c < p.numClients(); c++) {
      int[] idx = p.indices(c);
      assertEquals(10, idx.length);
      assertEquals(10, Arrays.stream(idx).distinct().count(), "client " + c + " draws without replacement");
      for (int i : idx) held[i]++;
    }
    // uniform: every example is held by about 200,000 / 6,000 = 33 clients
    assertTrue(Arrays.stream(held).min().getAsInt() > 5 && Arrays.stream(held).max().getAsInt() < 80, Arrays.toString(held).substring(0, 40));
    assertEquals(p, new SampledPartitioner(20_000, 10).partition(data, 42), "same seed, same partition");
    assertNotEquals(p, new SampledPartitioner(20_000, 10).partition(data, 43));
    // a client's draw depends only on the seed and its index, not on how many clients there are
    assertEquals(Arrays.toString(p.indices(7)), Arrays.toString(new SampledPartitioner(8, 10).partition(data, 42).indices(7)));
  }

  @Test
  void refusesImpossibleSettingsNamingThem() {
    Dataset data = PartitionerTest.BALANCED;
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new SampledPartitioner(3, 6001).partition(data, 1))
        .getMessage().contains("examples_per_client 6001"));
    assertThrows(IllegalArgumentException.class, () -> new SampledPartitioner(0, 10));
    assertThrows(IllegalArgumentException.class, () -> new SampledPartitioner(10, 0));
    Partition all = new SampledPartitioner(2, 6000).partition(data, 1); // the whole dataset, each
    assertEquals(6000, Arrays.stream(all.indices(1)).distinct().count());
  }
}
