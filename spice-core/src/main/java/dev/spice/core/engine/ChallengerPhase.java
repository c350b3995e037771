package dev.spice.core.engine;

import dev.spice.core.Challenger;
import dev.spice.core.ChallengerAttempt;
import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Step 2 of Algorithm 1: the Challenger writes attempts for every document, G_C at a time, until
 * the document has a valid one or N attempts were made; G_C attempts are kept per document,
 * preserving the generated valid:invalid ratio.
 */
final class ChallengerPhase {
  private final EngineConfig cfg;
  private final Rollouts rollouts;

  ChallengerPhase(EngineConfig cfg, Rollouts rollouts) {
    this.cfg = cfg;
    this.rollouts = rollouts;
  }

  /**
   * Fills {@link DocumentWork#attempts} and {@link DocumentWork#kept}; the generation calls' time
   * goes to {@link PhaseTimes#challengerGen}.
   *
   * @return tokens generated
   */
  int run(long it, long iterSeed, List<DocumentWork> docs, SplittableRandom rng, PhaseTimes times) {
    int gc = cfg.recipe().challengerGroupSize();
    int tokens = 0;
    List<DocumentWork> pending = new ArrayList<>(docs);
    for (int round = 0; !pending.isEmpty(); round++) {
      List<Prompt> prompts = new ArrayList<>();
      List<DocumentWork> owner = new ArrayList<>();
      for (DocumentWork d : pending) {
        int n = Math.min(gc, cfg.maxAttempts() - d.attempts.size());
        for (int k = 0; k < n; k++) {
          prompts.add(d.challengerPrompt);
          owner.add(d);
        }
      }
      List<Completion> out = rollouts.generate(it, Role.CHALLENGER, cfg.challengerBackend(), prompts,
          cfg.challengerSampling().withSeed(IterationSeeds.challengerRound(iterSeed, round)), times);
      for (int j = 0; j < out.size(); j++) {
        DocumentWork d = owner.get(j);
        tokens += out.get(j).tokenCount();
        d.attempts.add(parse(d.document, prompts.get(j), out.get(j)));
      }
      List<DocumentWork> next = new ArrayList<>();
      for (DocumentWork d : pending) {
        if (!d.hasValidAttempt() && d.attempts.size() < cfg.maxAttempts()) {
          next.add(d);
        }
      }
      pending = next;
    }
    for (DocumentWork d : docs) {
      d.kept = keepPreservingRatio(d.attempts, gc, rng);
    }
    return tokens;
  }

  private ChallengerAttempt parse(Document d, Prompt p, Completion c) {
    Challenger challenger = cfg.challenger();
    try {
      ChallengerAttempt a = challenger.parse(d, p, c);
      if (a == null) {
        return ChallengerAttempt.invalid(d, p, c, "challenger returned no attempt");
      }
      return a;
    } catch (RuntimeException e) {
      return ChallengerAttempt.invalid(d, p, c, "challenger parse failed: " + e);
    }
  }

  /**
   * Keeps {@code g} of the attempts so that the kept valid:invalid ratio matches the generated
   * one (rounded, at least one valid task if any exists), choosing uniformly within each class and
   * keeping generation order.
   */
  static List<ChallengerAttempt> keepPreservingRatio(List<ChallengerAttempt> all, int g, SplittableRandom rng) {
    int total = all.size();
    if (total <= g) {
      return List.copyOf(all);
    }
    List<Integer> valid = new ArrayList<>();
    List<Integer> invalid = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      (all.get(i).isValid() ? valid : invalid).add(i);
    }
    int kv = (int) Math.round((double) g * valid.size() / total);
    if (!valid.isEmpty()) {
      kv = Math.max(kv, 1);
    }
    kv = Math.min(kv, valid.size());
    int ki = g - kv;
    if (ki > invalid.size()) {
      ki = invalid.size();
      kv = g - ki;
    }
    shuffle(valid, rng);
    shuffle(invalid, rng);
    List<Integer> chosen = new ArrayList<>(valid.subList(0, kv));
    chosen.addAll(invalid.subList(0, ki));
    chosen.sort(Comparator.naturalOrder());
    List<ChallengerAttempt> out = new ArrayList<>(g);
    for (int i : chosen) {
      out.add(all.get(i));
    }
    return out;
  }

  private static void shuffle(List<Integer> l, SplittableRandom rng) {
    for (int i = l.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      Integer t = l.get(i);
      l.set(i, l.get(j));
      l.set(j, t);
    }
  }
}
