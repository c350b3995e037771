package dev.spice.core.engine;

import dev.spice.core.ChallengerAttempt;
import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Role;
import dev.spice.core.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 3 of Algorithm 1: the Reasoner answers every kept valid task G_R times, without the
 * document, in one generation call.
 */
final class ReasonerPhase {
  private final EngineConfig cfg;
  private final Rollouts rollouts;

  ReasonerPhase(EngineConfig cfg, Rollouts rollouts) {
    this.cfg = cfg;
    this.rollouts = rollouts;
  }

  /**
   * Fills {@link DocumentWork#answers}; the generation call's time goes to
   * {@link PhaseTimes#reasonerGen}, the extraction of the answers to {@link PhaseTimes#verify}.
   *
   * @return tokens generated
   */
  int run(long it, long iterSeed, List<DocumentWork> docs, PhaseTimes times) {
    int gr = cfg.recipe().reasonerGroupSize();
    List<Prompt> prompts = new ArrayList<>();
    List<DocumentWork> ownerDoc = new ArrayList<>();
    List<Integer> ownerTask = new ArrayList<>();
    for (DocumentWork d : docs) {
      List<List<ReasonerAttempt>> answers = new ArrayList<>(d.kept.size());
      for (int k = 0; k < d.kept.size(); k++) {
        answers.add(null);
      }
      d.answers = answers;
      for (int k = 0; k < d.kept.size(); k++) {
        ChallengerAttempt a = d.kept.get(k);
        if (a.isValid()) {
          answers.set(k, new ArrayList<>(gr));
          Prompt p = cfg.reasoner().prompt(a.task());
          for (int r = 0; r < gr; r++) {
            prompts.add(p);
            ownerDoc.add(d);
            ownerTask.add(k);
          }
        }
      }
    }
    List<Completion> out = rollouts.generate(it, Role.REASONER, cfg.reasonerBackend(), prompts,
        cfg.reasonerSampling().withSeed(IterationSeeds.reasoner(iterSeed)), times);
    long parsing = System.nanoTime();
    int tokens = 0;
    for (int j = 0; j < out.size(); j++) {
      DocumentWork d = ownerDoc.get(j);
      int k = ownerTask.get(j);
      Task task = d.kept.get(k).task();
      tokens += out.get(j).tokenCount();
      d.answers.get(k).add(parse(task, prompts.get(j), out.get(j)));
    }
    times.verify += PhaseTimes.since(parsing);
    return tokens;
  }

  private ReasonerAttempt parse(Task task, Prompt p, Completion c) {
    try {
      ReasonerAttempt a = cfg.reasoner().parse(task, p, c);
      return a == null ? new ReasonerAttempt(task, p, c, null) : a;
    } catch (RuntimeException e) {
      return new ReasonerAttempt(task, p, c, null);
    }
  }
}
