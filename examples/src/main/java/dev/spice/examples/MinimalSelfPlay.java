package dev.spice.examples;

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
 * The README's minimal program: a Hugging Face checkpoint, a JSONL corpus and the paper's recipe,
 * wired into the self-play engine. Usage: {@code MinimalSelfPlay MODEL_DIR CORPUS.jsonl RUN_DIR}.
 * The body of {@link #run} is the README's snippet; {@link #main} passes the paper's sizes.
 */
public final class MinimalSelfPlay {
  private MinimalSelfPlay() {}

  /** Runs 640 iterations (the paper's count) of batch 128, up to 1024 new tokens per completion, checkpointing every 50. */
  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: MinimalSelfPlay MODEL_DIR CORPUS.jsonl RUN_DIR");
      System.exit(2);
    }
    run(args, 640, 128, 1024, 50);
  }

  /**
   * Runs (or resumes, from the newest checkpoint in {@code args[2]}) self-play until iteration
   * {@code iterations}; writes {@code metrics.jsonl} and checkpoints to {@code args[2]}.
   *
   * @param args {@code MODEL_DIR CORPUS.jsonl RUN_DIR}
   * @param iterations the iteration to stop at
   * @param batchSize documents per iteration
   * @param maxNewTokens token budget of each Challenger and Reasoner completion
   * @param checkpointEvery iterations between checkpoints
   * @return the summary of the iterations this call ran: the last one, each metric's mean, the wall time
   */
  public static RunSummary run(String[] args, int iterations, int batchSize, int maxNewTokens, int checkpointEvery) {
    Path run = Path.of(args[2]);
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
  }
}
