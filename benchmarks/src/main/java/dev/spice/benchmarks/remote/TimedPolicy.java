package dev.spice.benchmarks.remote;

import dev.spice.core.Completion;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The policy the server serves: delegates to the measured one and adds up the time spent in its
 * generation calls, so that a request's time splits into generation and everything else (HTTP,
 * JSON, queueing). Closing it does not close the delegate.
 */
final class TimedPolicy implements PolicyBackend {
  private final PolicyBackend delegate;
  private final AtomicLong generationNanos = new AtomicLong();

  TimedPolicy(PolicyBackend delegate) {
    this.delegate = delegate;
  }

  /** Nanoseconds spent in generation calls so far. */
  long generationNanos() {
    return generationNanos.get();
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
    long t0 = System.nanoTime();
    try {
      return delegate.generate(prompts, params);
    } finally {
      generationNanos.addAndGet(System.nanoTime() - t0);
    }
  }

  @Override
  public List<Completion> generateFromTokens(List<int[]> promptTokens, int[] allowedTokenIds, SamplingParams params) {
    long t0 = System.nanoTime();
    try {
      return delegate.generateFromTokens(promptTokens, allowedTokenIds, params);
    } finally {
      generationNanos.addAndGet(System.nanoTime() - t0);
    }
  }

  @Override
  public List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations) {
    return delegate.scoreContinuations(prompts, continuations);
  }

  @Override
  public int[] tokenize(String text) {
    return delegate.tokenize(text);
  }

  @Override
  public String detokenize(int[] tokens) {
    return delegate.detokenize(tokens);
  }
}
