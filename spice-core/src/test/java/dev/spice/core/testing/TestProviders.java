package dev.spice.core.testing;

import dev.spice.core.Completion;
import dev.spice.core.PolicyBackend;
import dev.spice.core.PolicyProvider;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link PolicyProvider}s for tests of {@link dev.spice.core.Policies}, registered in
 * {@code policies-fixture/META-INF/services} (not on the default class path): a trainable one, an
 * inference-only one of higher rank, one that claims to be trainable but is not, and an
 * unavailable one.
 */
public final class TestProviders {
  /** How many backends the {@link Liar} created were closed. */
  public static final AtomicInteger LIAR_CLOSED = new AtomicInteger();

  private TestProviders() {}

  /** Makes {@link ScriptedPolicy} instances (trainable). */
  public static final class Trainable implements PolicyProvider {
    @Override
    public String name() {
      return "test-trainable";
    }

    @Override
    public int rank() {
      return 5;
    }

    @Override
    public boolean isTrainable() {
      return true;
    }

    @Override
    public PolicyBackend create(Map<String, String> options) {
      return new ScriptedPolicy((p, row, seed, pol) -> options.getOrDefault("text", "ok"));
    }
  }

  /** Inference only, with a higher rank than {@link Trainable}. */
  public static final class InferenceOnly implements PolicyProvider {
    @Override
    public String name() {
      return "test-inference";
    }

    @Override
    public int rank() {
      return 50;
    }

    @Override
    public PolicyBackend create(Map<String, String> options) {
      return new Frozen(new ScriptedPolicy((p, row, seed, pol) -> "frozen"), null);
    }
  }

  /** Claims to be trainable but makes an inference-only backend. */
  public static final class Liar implements PolicyProvider {
    @Override
    public String name() {
      return "test-liar";
    }

    @Override
    public int rank() {
      return -5;
    }

    @Override
    public boolean isTrainable() {
      return true;
    }

    @Override
    public PolicyBackend create(Map<String, String> options) {
      return new Frozen(new ScriptedPolicy((p, row, seed, pol) -> "lie"), LIAR_CLOSED);
    }
  }

  /** Trainable but never available. */
  public static final class Absent implements PolicyProvider {
    @Override
    public String name() {
      return "test-absent";
    }

    @Override
    public int rank() {
      return 100;
    }

    @Override
    public boolean isAvailable() {
      return false;
    }

    @Override
    public boolean isTrainable() {
      return true;
    }

    @Override
    public PolicyBackend create(Map<String, String> options) {
      throw new AssertionError("an unavailable provider is never asked to create a backend");
    }
  }

  /** An inference-only view of a policy; counts close() calls if given a counter. */
  public record Frozen(PolicyBackend inner, AtomicInteger closed) implements PolicyBackend {
    @Override
    public String name() {
      return "frozen";
    }

    @Override
    public List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
      return inner.generate(prompts, params);
    }

    @Override
    public List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations) {
      return inner.scoreContinuations(prompts, continuations);
    }

    @Override
    public int[] tokenize(String text) {
      return inner.tokenize(text);
    }

    @Override
    public String detokenize(int[] tokens) {
      return inner.detokenize(tokens);
    }

    @Override
    public void close() {
      if (closed != null) {
        closed.incrementAndGet();
      }
    }
  }
}
