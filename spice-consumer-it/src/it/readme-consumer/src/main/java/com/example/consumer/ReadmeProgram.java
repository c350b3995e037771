package com.example.consumer;

import dev.spice.core.SamplingParams;
import dev.spice.core.engine.RunSummary;
import dev.spice.core.engine.SelfPlay;
import dev.spice.core.engine.SelfPlayListeners;
import dev.spice.core.roles.Roles;
import dev.spice.corpus.Corpora;
import dev.spice.djl.DjlPolicy;
import dev.spice.rewards.Presets;
import dev.spice.rewards.verify.AnswerExtractors;
import java.nio.file.Path;

/**
 * README.md's "Minimal code" program, written in a project of its own with only the README's
 * dependencies and imports: it must compile there. Usage: {@code ReadmeProgram MODEL_DIR
 * CORPUS.jsonl RUN_DIR}. The lines between the README markers are the README's snippet, verbatim
 * (spice-consumer-it's ReadmeSnippetTest checks it); the build compiles it and does not run it.
 */
public final class ReadmeProgram {
  private ReadmeProgram() {}

  /**
   * Runs the paper's sizes, as {@code MinimalSelfPlay.main} in SPICE's examples does.
   *
   * @param args {@code MODEL_DIR CORPUS.jsonl RUN_DIR}
   */
  public static void main(String[] args) {
    run(args, 640, 128, 1024, 50);
  }

  static RunSummary run(String[] args, int iterations, int batchSize, int maxNewTokens, int checkpointEvery) {
    Path run = Path.of(args[2]);
    // README snippet: begin
    try (DjlPolicy policy = DjlPolicy.builder().pretrained(Path.of(args[0])).build();
        SelfPlayListeners.JsonlMetricsListener metrics = SelfPlayListeners.jsonl(run.resolve("metrics.jsonl"))) {
      SelfPlay spice = SelfPlay.builder()
          .policy(policy)                                        // trained in both roles
          .corpus(Corpora.jsonl(Path.of(args[1])).seed(7).build())
          .recipe(Presets.spice())                               // G = 8/8, variance reward, penalty -0.1, Dr. GRPO
          .challenger(Roles.jsonChallenger())                    // paper-style JSON tasks
          .reasoner(Roles.reasoner(AnswerExtractors.defaults())) // \boxed{}, "Answer:", MCQ letters, ...
          .challengerSampling(SamplingParams.defaults(maxNewTokens)) // main: 1024 new tokens per completion
          .reasonerSampling(SamplingParams.defaults(maxNewTokens))
          .batchSize(batchSize)                                  // main: 128
          .seed(7)
          .checkpointEvery(checkpointEvery, run)                 // main: 50; atomic; resume with spice.restore(dir)
          .listener(SelfPlayListeners.logging())
          .listener(metrics)
          .build();
      SelfPlay.latestCheckpoint(run).ifPresent(spice::restore);
      // main: 640, the paper's count; returns a RunSummary (last iteration, metric means), not every iteration
      return spice.run((int) Math.max(0, iterations - spice.iteration()));
    }
    // README snippet: end
  }
}
