package dev.spice.core.testing;

import dev.spice.core.Completion;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A backend that delegates to a {@link ScriptedPolicy} but breaks one of its contracts, for tests
 * of the checks callers make. Named {@value #NAME}.
 */
public record BrokenBackend(Fault fault, PolicyBackend inner) implements PolicyBackend {
  /** The backend's name. */
  public static final String NAME = "broken-backend";

  /** How it breaks. */
  public enum Fault {
    /** Returns one result fewer than asked for. */
    TOO_FEW,
    /** Returns one result more than asked for. */
    TOO_MANY,
    /** Returns null instead of a list. */
    NULL_LIST,
    /** Returns a list whose first element is null. */
    NULL_ELEMENT,
    /** Throws an {@link IllegalStateException}. */
    THROWS,
    /** Throws a {@link SpiceException.BackendException} of its own. */
    THROWS_SPICE,
    /** Scores: the first array is one entry too short. */
    SHORT_SCORES,
    /** Tokenize returns null. */
    NULL_TOKENS
  }

  /** A broken backend around a scripted policy that always answers {@code text}. */
  public static BrokenBackend of(Fault fault, String text) {
    return new BrokenBackend(fault, new ScriptedPolicy((p, row, seed, pol) -> text));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
    return breakList(inner.generate(prompts, params));
  }

  @Override
  public List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations) {
    List<float[]> out = breakList(inner.scoreContinuations(prompts, continuations));
    if (fault == Fault.SHORT_SCORES && out != null && !out.isEmpty()) {
      out.set(0, Arrays.copyOf(out.get(0), Math.max(0, out.get(0).length - 1)));
    }
    return out;
  }

  private <T> List<T> breakList(List<T> in) {
    List<T> out = new ArrayList<>(in);
    switch (fault) {
      case TOO_FEW -> out.remove(out.size() - 1);
      case TOO_MANY -> out.add(out.get(0));
      case NULL_LIST -> {
        return null;
      }
      case NULL_ELEMENT -> out.set(0, null);
      case THROWS -> throw new IllegalStateException("device lost");
      case THROWS_SPICE -> throw new SpiceException.BackendException("out of memory on purpose");
      default -> { }
    }
    return out;
  }

  @Override
  public int[] tokenize(String text) {
    if (fault == Fault.NULL_TOKENS) {
      return null;
    }
    if (fault == Fault.THROWS) {
      throw new IllegalStateException("device lost");
    }
    return inner.tokenize(text);
  }

  @Override
  public String detokenize(int[] tokens) {
    return inner.detokenize(tokens);
  }
}
