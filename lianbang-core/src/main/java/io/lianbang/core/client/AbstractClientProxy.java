package io.lianbang.core.client;

import java.util.Objects;

/** A {@link ClientProxy} that holds its client's id and names its class and the id in {@link #toString()}. */
public abstract class AbstractClientProxy implements ClientProxy {
  private final String id;

  /** @param id the client's identifier */
  protected AbstractClientProxy(String id) {
    this.id = Objects.requireNonNull(id, "id");
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + id + "]";
  }
}
