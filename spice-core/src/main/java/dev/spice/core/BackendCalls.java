package dev.spice.core;

import java.util.List;
import java.util.Objects;

/**
 * The one checked path from SDK code to a {@link PolicyBackend}: used by the self-play engine and
 * by the evaluators in {@code dev.spice.core.eval}, so that a misbehaving backend fails the same
 * way everywhere. Each call checks what the backend returns (not null, one result per input, no
 * null element, scores as long as their continuations) and wraps a backend's unchecked exception
 * in a {@link SpiceException.BackendException} whose message names the call ({@code what}, which
 * names the role, for example {@code "reasoner generation"}) and the backend; a
 * {@link SpiceException} a backend throws on purpose is passed on unchanged.
 *
 * <p>Internal: public only so that the SDK's packages can share it; applications call backends
 * directly. Stateless and thread-safe (as thread-safe as the backend).
 */
public final class BackendCalls {
  private BackendCalls() {}

  /**
   * {@link PolicyBackend#generate}, checked. An empty batch returns an empty list without calling
   * the backend.
   *
   * @param backend the backend
   * @param prompts the batch
   * @param params sampling settings
   * @param what what the call is for, naming the role, for example {@code "challenger generation"}
   * @return one completion per prompt, in prompt order
   * @throws SpiceException.BackendException if the backend fails or returns a wrong result
   */
  public static List<Completion> generate(PolicyBackend backend, List<Prompt> prompts, SamplingParams params,
      String what) {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(prompts, "prompts");
    Objects.requireNonNull(params, "params");
    if (prompts.isEmpty()) {
      return List.of();
    }
    List<Completion> out;
    try {
      out = backend.generate(prompts, params);
    } catch (SpiceException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SpiceException.BackendException(what + " on " + name(backend) + " failed: " + e, e);
    }
    checkList(out, prompts.size(), "completions", "prompts", backend, what);
    return out;
  }

  /**
   * {@link PolicyBackend#scoreContinuations}, checked: one array per prompt, each as long as its
   * continuation.
   *
   * @param backend the backend
   * @param prompts the prompts
   * @param continuations token ids to score after each prompt, same size as {@code prompts}
   * @param what what the call is for, naming the role, for example {@code "reasoner scoring"}
   * @return one array of log-probabilities per prompt
   * @throws SpiceException.BackendException if the backend fails or returns a wrong result
   */
  public static List<float[]> score(PolicyBackend backend, List<Prompt> prompts, List<int[]> continuations,
      String what) {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(prompts, "prompts");
    Objects.requireNonNull(continuations, "continuations");
    if (prompts.size() != continuations.size()) {
      throw new IllegalArgumentException(what + ": " + prompts.size() + " prompts but " + continuations.size()
          + " continuations");
    }
    if (prompts.isEmpty()) {
      return List.of();
    }
    List<float[]> out;
    try {
      out = backend.scoreContinuations(prompts, continuations);
    } catch (SpiceException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SpiceException.BackendException(what + " on " + name(backend) + " failed: " + e, e);
    }
    checkList(out, prompts.size(), "score arrays", "prompts", backend, what);
    for (int i = 0; i < out.size(); i++) {
      int want = continuations.get(i).length;
      if (out.get(i).length != want) {
        throw new SpiceException.BackendException(what + ": backend " + name(backend) + " returned "
            + out.get(i).length + " log-probabilities for the " + want + "-token continuation of row " + i);
      }
    }
    return out;
  }

  /**
   * {@link PolicyBackend#tokenize}, checked: not null.
   *
   *
   * @param backend the backend
   * @param text the text
   * @param what what the call is for, naming the role
   * @return the token ids; never null
   * @throws SpiceException.BackendException if the backend fails or returns null
   */
  public static int[] tokenize(PolicyBackend backend, String text, String what) {
    Objects.requireNonNull(backend, "backend");
    int[] ids;
    try {
      ids = backend.tokenize(text);
    } catch (SpiceException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SpiceException.BackendException(what + " on " + name(backend) + " failed: " + e, e);
    }
    if (ids == null) {
      throw new SpiceException.BackendException(what + ": backend " + name(backend) + " returned null token ids");
    }
    return ids;
  }

  /**
   * The backend's name for messages; its class name if {@code name()} fails or is null.
   *
   * @param backend the backend
   * @return the backend's name for messages; its class name if {@code name()} fails or is null
   */
  public static String name(PolicyBackend backend) {
    String n;
    try {
      n = backend.name();
    } catch (RuntimeException e) {
      n = null;
    }
    return n != null ? n : backend.getClass().getName();
  }

  private static void checkList(List<?> out, int n, String things, String inputs, PolicyBackend backend, String what) {
    if (out == null || out.size() != n) {
      throw new SpiceException.BackendException(what + ": backend " + name(backend) + " returned "
          + (out == null ? "null" : out.size() + " " + things) + " for " + n + " " + inputs);
    }
    for (int i = 0; i < n; i++) {
      if (out.get(i) == null) {
        throw new SpiceException.BackendException(what + ": backend " + name(backend) + " returned a null entry in "
            + things + " at row " + i + " of " + n);
      }
    }
  }
}
