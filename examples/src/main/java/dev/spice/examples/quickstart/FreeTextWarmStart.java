package dev.spice.examples.quickstart;

import dev.spice.core.engine.WarmStart;
import dev.spice.core.engine.WarmStartMetricNames;
import dev.spice.core.engine.WarmStartSummary;
import dev.spice.core.sampling.Seeds;
import dev.spice.djl.DjlPolicy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The free-text quickstart's supervised warm start, shared by the SPICE arms ({@link FreeTextRunner})
 * and R-Zero ({@link RZeroRunner}): a random-init model with the learnt tokenizer, trained with the
 * SDK's {@link WarmStart} on the documents and the demonstrations, saved as a Hugging Face folder and
 * probed once. The same world and settings give the same model.
 *
 * @param parameters the model's parameter count
 * @param seconds wall time of training, saving and probing
 * @param finalLoss mean loss of the last logged window of steps (of its finite losses; NaN without steps)
 * @param probe the warm-started model's probe record (one entry, at iteration 0)
 */
record FreeTextWarmStart(long parameters, double seconds, double finalLoss, FreeTextProbe probe) {

  /** Warm-starts a fresh model of {@code world} with the tokenizer file and saves it to {@code warmDir}. */
  static FreeTextWarmStart run(FreeTextWorld world, Path tokenizer, Path warmDir, PrintStream out) {
    FreeTextSettings s = world.settings;
    long t0 = System.nanoTime();
    double warmFinalLoss = Double.NaN;
    try (DjlPolicy policy = world.newPolicy(tokenizer);
        WarmStart ws = WarmStart.builder()
            .policy(policy)
            .corpus(world.corpus(Seeds.mix(s.seed(), 7)))
            .documentsPerStep(s.warmDocuments())
            .demonstrations(world.demonstrations, s.warmDemonstrations())
            .maxTokens(64)
            .seed(Seeds.mix(s.seed(), 8))
            .build()) {
      long parameters = policy.parameterCount();
      out.printf(Locale.ROOT, "Warm start: model %,d parameters, vocabulary %d, %d steps of %d documents + %d "
          + "demonstrations%n", parameters, policy.config().vocabSize(), s.warmSteps(), s.warmDocuments(),
          s.warmDemonstrations());
      // windows of 200 steps: run(n) keeps only its last result and each metric's mean
      for (int done = 0; done < s.warmSteps(); ) {
        WarmStartSummary window = ws.run(Math.min(200, s.warmSteps() - done));
        done += window.steps();
        warmFinalLoss = window.mean(WarmStartMetricNames.LOSS);
        out.printf(Locale.ROOT, "  warm-start step %d: loss %.3f (mean of the last %d steps), %.0f s%n", done,
            warmFinalLoss, window.steps(), (System.nanoTime() - t0) / 1e9);
      }
      policy.savePretrained(warmDir);
      double seconds = (System.nanoTime() - t0) / 1e9;
      FreeTextProbe probe = new FreeTextProbe(world.probeFree, world.probeMcq, world.reasoner);
      probe.score(policy, 0);
      out.printf(Locale.ROOT, "Warm-started model on the probe: free %.3f, mcq %.3f, overall %.3f%n",
          probe.lastFree(), probe.lastMcq(), probe.lastOverall());
      return new FreeTextWarmStart(parameters, seconds, warmFinalLoss, probe);
    }
  }
}
