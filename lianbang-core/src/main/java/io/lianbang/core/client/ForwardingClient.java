package io.lianbang.core.client;

import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import java.util.Objects;

/**
 * A {@link Client} that forwards {@link #fit} and {@link #evaluate} to a delegate: the base of
 * client decorators, which override what they change (typically {@code fit}) and call
 * {@link #delegate()} for the rest.
 */
public abstract class ForwardingClient implements Client {
  private final Client delegate;

  /** @param delegate the client this one wraps */
  protected ForwardingClient(Client delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The wrapped client. */
  protected final Client delegate() {
    return delegate;
  }

  @Override
  public FitResult fit(FitTask task) {
    return delegate.fit(task);
  }

  @Override
  public EvalResult evaluate(EvalTask task) {
    return delegate.evaluate(task);
  }
}
