package io.lianbang.engine.data;

import java.util.Objects;

/** A training set and a test set drawn from the same source. */
public record TrainTest(Dataset train, Dataset test) {
  /** @throws NullPointerException if either part is null */
  public TrainTest {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(test, "test");
  }
}
