package io.lianbang.spark;

import io.lianbang.core.task.Config;
import io.lianbang.core.tensor.Parameters;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * What one round's Spark job broadcasts to the executors: the model architecture, the global model
 * the sampled clients start from, and each sampled client's task (its seed and training
 * configuration, exactly as the federation made them).
 *
 * @param round the round, from 1
 * @param model the model architecture ({@code model} of the simulation, e.g. {@code mlp:784-200-200-10})
 * @param shapes the shape of each parameter tensor
 * @param global the global model's values, tensor after tensor
 * @param tasks the sampled clients' tasks by client id
 */
record RoundTasks(int round, String model, int[][] shapes, float[] global, TreeMap<String, Task> tasks) implements Serializable {
  /**
   * One client's task.
   *
   * @param seed the task seed (run seed, round, client id)
   * @param config the training configuration's entries
   */
  record Task(long seed, TreeMap<String, Object> config) implements Serializable {
    static Task of(long seed, Config config) {
      return new Task(seed, new TreeMap<>(config.asMap()));
    }
  }

  /** The global model. */
  Parameters globalParameters() {
    return Parameters.unflatten(shapeList(), global);
  }

  /** The tensor shapes as a list. */
  List<int[]> shapeList() {
    return Arrays.asList(shapes);
  }

  static int[][] shapesOf(Parameters p) {
    return p.shapes().toArray(int[][]::new);
  }
}
