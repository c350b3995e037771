package dev.spice.examples;

import dev.spice.core.Completion;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.TrainingSample;
import dev.spice.core.UpdateStats;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.WordTokenizer;
import dev.spice.djl.DjlPolicy;
import dev.spice.djl.OptimizerSettings;
import dev.spice.onnx.OnnxExporter;
import dev.spice.onnx.OnnxPolicy;
import dev.spice.rewards.LossAggregations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Example: train on DJL, roll out on ONNX Runtime. A tiny policy learns for a few policy-gradient
 * steps to answer "yes", is saved in Hugging Face layout, exported to ONNX with
 * {@link OnnxExporter}, and an {@link OnnxPolicy} then generates rollouts from the export. The
 * example checks that both backends give the same log-probabilities for the same tokens.
 *
 * <pre>
 * java ... dev.spice.examples.OnnxRolloutsExample [output-folder]
 * </pre>
 */
public final class OnnxRolloutsExample {
  private OnnxRolloutsExample() {}

  /** What one run of the example measured. */
  record Outcome(double firstReward, double lastReward, double onnxYesShare, double maxLogProbDiff, Path onnxModel) {}

  /** Runs the example; the optional argument is the output folder (default: a temp folder). */
  public static void main(String[] args) throws IOException {
    Path out = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("spice-onnx-example");
    Outcome o = run(out, 12);
    System.out.printf(Locale.ROOT, "DJL training: mean reward %.2f -> %.2f%n", o.firstReward(), o.lastReward());
    System.out.printf(Locale.ROOT, "ONNX rollouts: %.0f%% of answers are 'yes'; DJL vs ONNX log-prob max diff %.2e%n",
        100 * o.onnxYesShare(), o.maxLogProbDiff());
    System.out.println("ONNX model: " + o.onnxModel());
  }

  static Outcome run(Path out, int steps) {
    List<String> words = List.of("question", "answer", "yes", "no", "maybe");
    WordTokenizer tokenizer = WordTokenizer.withSpecialTokens(words);
    TransformerConfig config = TransformerConfig.tiny(tokenizer.vocabSize(), 32, 2, 4, 4);
    Prompt prompt = Prompt.of(Role.REASONER, "question answer");
    int group = 16;
    double first = Double.NaN;
    double last = Double.NaN;
    Path hf = out.resolve("hf-checkpoint");
    try (DjlPolicy policy = DjlPolicy.builder().randomInit(config, 7).tokenizer(tokenizer)
        .optimizer(OptimizerSettings.adamW(3e-3)).threads(1).build()) {
      // 1. A few policy-gradient steps: reward 1 for answering "yes", advantage = reward - group mean.
      LossSettings loss = new LossSettings(0.2, 0.2, 0.0, LossAggregations.drGrpo(2));
      for (int step = 0; step < steps; step++) {
        List<Prompt> prompts = java.util.Collections.nCopies(group, prompt);
        List<Completion> cs = policy.generate(prompts, new SamplingParams(1.0, 1.0, 0, 2, List.of(), step));
        double[] reward = new double[group];
        double mean = 0;
        for (int i = 0; i < group; i++) {
          reward[i] = cs.get(i).text().strip().startsWith("yes") ? 1 : 0;
          mean += reward[i] / group;
        }
        List<TrainingSample> samples = new ArrayList<>();
        for (int i = 0; i < group; i++) {
          Completion c = cs.get(i);
          if (c.tokenCount() > 0) {
            samples.add(new TrainingSample(Role.REASONER, prompt, c.promptTokens(), c.tokens(), c.logProbs(),
                reward[i] - mean, "yes-task"));
          }
        }
        UpdateStats stats = policy.update(samples, loss);
        if (step == 0) {
          first = mean;
        }
        last = mean;
        System.out.printf(Locale.ROOT, "step %2d: mean reward %.2f, loss %.4f%n", step, mean, stats.loss());
      }
      // 2. Save in Hugging Face layout (config.json, model.safetensors, tokenizer.json).
      policy.savePretrained(hf);

      // 3. Export to ONNX (Optimum decoder I/O with a key-value cache).
      OnnxExporter.Result export = OnnxExporter.export(hf, out.resolve("onnx"));
      System.out.println("exported " + export.model() + " (" + export.weightBytes() + " weight bytes) in "
          + export.elapsed().toMillis() + " ms");

      // 4. Rollouts on ONNX Runtime, then the same tokens scored by the DJL policy.
      try (OnnxPolicy onnx = OnnxPolicy.builder().model(export.model())
          .tokenizer(tokenizer).threads(1).build()) {
        List<Prompt> prompts = java.util.Collections.nCopies(group, prompt);
        List<Completion> rollouts = onnx.generate(prompts, new SamplingParams(1.0, 1.0, 0, 2, List.of(), 99));
        int yes = 0;
        List<int[]> conts = new ArrayList<>();
        List<Prompt> scored = new ArrayList<>();
        for (Completion c : rollouts) {
          yes += c.text().strip().startsWith("yes") ? 1 : 0;
          if (c.tokenCount() > 0) {
            conts.add(c.tokens());
            scored.add(prompt);
          }
        }
        List<float[]> djlLogProbs = policy.scoreContinuations(scored, conts);
        double maxDiff = 0;
        int k = 0;
        for (Completion c : rollouts) {
          if (c.tokenCount() == 0) {
            continue;
          }
          float[] d = djlLogProbs.get(k++);
          float[] lp = c.logProbs(); // a copy: read once, not per token
          for (int t = 0; t < d.length; t++) {
            maxDiff = Math.max(maxDiff, Math.abs(d[t] - lp[t]));
          }
        }
        System.out.println("ONNX rollout 0: '" + rollouts.get(0).text() + "'");
        return new Outcome(first, last, yes / (double) group, maxDiff, export.model());
      }
    }
  }
}
