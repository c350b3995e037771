package dev.spice.core.engine;

import dev.spice.core.BackendCalls;
import dev.spice.core.Completion;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import java.util.List;

/**
 * The engine's path to a backend's {@code generate}: rollout events around the checked call of
 * {@link BackendCalls#generate} (exceptions wrapped as {@link SpiceException.BackendException}
 * naming the role and backend, the number of completions checked against the number of prompts).
 * The call's wall time (without the events) is added to the iteration's {@link PhaseTimes}.
 */
final class Rollouts {
  private final Events events;

  Rollouts(Events events) {
    this.events = events;
  }

  List<Completion> generate(long it, Role role, PolicyBackend backend, List<Prompt> prompts, SamplingParams params,
      PhaseTimes times) {
    if (prompts.isEmpty()) {
      return List.of();
    }
    events.fire(l -> l.onRolloutStart(it, role, prompts.size()));
    long t = System.nanoTime();
    List<Completion> out = BackendCalls.generate(backend, prompts, params, role.metricPrefix() + " generation");
    times.addGeneration(role, PhaseTimes.since(t));
    int tokens = 0;
    for (Completion c : out) {
      tokens += c.tokenCount();
    }
    int total = tokens;
    long nanos = System.nanoTime() - t;
    events.fire(l -> l.onRolloutEnd(it, role, out.size(), total, nanos));
    return out;
  }
}
