package dev.spice.core.engine;

import dev.spice.core.Completion;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import java.util.List;

/**
 * The one checked path from the engine to a backend's {@code generate}: rollout events, exceptions
 * wrapped as {@link SpiceException.BackendException} naming the role and backend, and the number
 * of completions checked against the number of prompts.
 */
final class Rollouts {
  private final Events events;

  Rollouts(Events events) {
    this.events = events;
  }

  List<Completion> generate(long it, Role role, PolicyBackend backend, List<Prompt> prompts, SamplingParams params) {
    if (prompts.isEmpty()) {
      return List.of();
    }
    events.fire(l -> l.onRolloutStart(it, role, prompts.size()));
    long t = System.nanoTime();
    List<Completion> out;
    try {
      out = backend.generate(prompts, params);
    } catch (SpiceException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SpiceException.BackendException(role.metricPrefix() + " generation on " + backend.name() + " failed: " + e, e);
    }
    if (out == null || out.size() != prompts.size()) {
      throw new SpiceException.BackendException("backend " + backend.name() + " returned "
          + (out == null ? "null" : out.size()) + " completions for " + prompts.size() + " prompts");
    }
    int tokens = out.stream().mapToInt(c -> c.tokens().length).sum();
    long nanos = System.nanoTime() - t;
    events.fire(l -> l.onRolloutEnd(it, role, out.size(), tokens, nanos));
    return out;
  }
}
