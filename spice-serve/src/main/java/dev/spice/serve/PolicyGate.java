package dev.spice.serve;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serializes every call into the policies (generation, tokenization, adapter loading) on one
 * thread, since a policy is used by one thread at a time: requests wait in a bounded queue (full:
 * 503 with {@code Retry-After}) and get at most the request timeout, waiting included (503 when
 * the call had not started by then, 504 when it was running; a running call cannot be interrupted
 * and finishes in the background, its result dropped).
 */
final class PolicyGate implements AutoCloseable {
  private final ThreadPoolExecutor executor;
  private final Duration timeout;

  PolicyGate(int maxQueued, Duration timeout) {
    this.timeout = timeout;
    this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(maxQueued), r -> {
      Thread t = new Thread(r, "spice-serve-policy");
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.AbortPolicy());
  }

  /** Runs {@code task} on the policy thread and returns its result; its exceptions are rethrown as they are. */
  <T> T call(Callable<T> task) {
    AtomicBoolean started = new AtomicBoolean();
    Future<T> f;
    try {
      f = executor.submit(() -> {
        started.set(true);
        return task.call();
      });
    } catch (RejectedExecutionException e) {
      throw new ApiError(503, "ServiceUnavailableError", null, "the server is busy: " + executor.getQueue().size()
          + " requests are already waiting for the policy; retry later", 1);
    }
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(false);
      if (started.get()) {
        throw new ApiError(504, "GatewayTimeoutError", null, "the request ran longer than the request timeout of "
            + timeout.toMillis() + " ms; lower max_tokens, n or the number of prompts", -1);
      }
      throw new ApiError(503, "ServiceUnavailableError", null, "the request waited longer than the request timeout of "
          + timeout.toMillis() + " ms for the policy; retry later", 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(false);
      throw new ApiError(503, "ServiceUnavailableError", null, "the server is shutting down", -1);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c.getMessage(), c);
    }
  }

  /**
   * Cancels the waiting calls and waits (at most the request timeout) for a running one to end,
   * so that the policy's owner can close it afterwards.
   */
  @Override
  public void close() {
    for (Runnable r : executor.shutdownNow()) {
      if (r instanceof Future<?> f) {
        f.cancel(false);
      }
    }
    try {
      executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
