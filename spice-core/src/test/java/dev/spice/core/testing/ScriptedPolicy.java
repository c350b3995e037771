package dev.spice.core.testing;

import dev.spice.core.Completion;
import dev.spice.core.Demonstration;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.SupervisedSample;
import dev.spice.core.TrainablePolicy;
import dev.spice.core.TrainingSample;
import dev.spice.core.UpdateStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deterministic {@link TrainablePolicy} for tests: completions come from a {@link Script}, tokens
 * are whitespace-separated words (ids assigned on first sight), every token has log-probability
 * {@code -ln 2}, and an "update" only counts updates and sums advantages (its visible state, which
 * scripts may read through {@link #version()} to change behaviour as training proceeds); a
 * supervised update counts too (loss {@code ln 2}) and is recorded in {@link #supervisedUpdates()};
 * a demonstration ends with the word {@link #EOS}.
 * It can be told to fail its next generation or update, to test failure handling.
 */
public final class ScriptedPolicy implements TrainablePolicy {
  /** Produces the completion text of one row. */
  @FunctionalInterface
  public interface Script {
    /**
     * @param prompt the prompt
     * @param row index of the row in the batch
     * @param rowSeed a seed derived from the sampling seed and the row
     * @param policy the policy (for its {@link #version()})
     */
    String complete(Prompt prompt, int row, long rowSeed, ScriptedPolicy policy);
  }

  /** The end-of-sequence word that ends every {@linkplain #demonstrationSample demonstration}. */
  public static final String EOS = "<eos>";

  /** Log-probability of every token. */
  public static final float TOKEN_LOG_PROB = (float) -Math.log(2);

  private final Script script;
  private final Map<String, Integer> ids;
  private final List<String> words;
  private final List<List<TrainingSample>> updates = new ArrayList<>();
  private final List<List<SupervisedSample>> supervisedUpdates = new ArrayList<>();
  private long version;
  private double advantageSum;
  private boolean failNextGenerate;
  private boolean failNextUpdate;

  /** A policy driven by the script. */
  public ScriptedPolicy(Script script) {
    this.script = script;
    this.ids = new HashMap<>();
    this.words = new ArrayList<>();
  }

  /**
   * A policy driven by the script that shares {@code vocabularyOf}'s token ids (both assign new
   * words the same ids, whichever sees them first): a rollout server and a trainer with one
   * tokenizer, for hybrid training tests.
   */
  public ScriptedPolicy(Script script, ScriptedPolicy vocabularyOf) {
    this.script = script;
    this.ids = vocabularyOf.ids;
    this.words = vocabularyOf.words;
  }

  @Override
  public String name() {
    return "scripted";
  }

  /** Number of updates applied (restored by {@link #loadCheckpoint}). */
  public long version() {
    return version;
  }

  /** Sum of all advantages trained on (restored by {@link #loadCheckpoint}). */
  public double advantageSum() {
    return advantageSum;
  }

  /** The batches of every update since construction (not checkpointed). */
  public List<List<TrainingSample>> updates() {
    return updates;
  }

  /** The batches of every supervised update since construction (not checkpointed). */
  public List<List<SupervisedSample>> supervisedUpdates() {
    return supervisedUpdates;
  }

  /** Makes the next {@link #generate} throw. */
  public void failNextGenerate() {
    failNextGenerate = true;
  }

  /** Makes the next {@link #update} or {@link #supervisedUpdate} throw, leaving the state unchanged. */
  public void failNextUpdate() {
    failNextUpdate = true;
  }

  /** Row seed as the script sees it. */
  public static long rowSeed(long seed, int row) {
    return dev.spice.core.sampling.Seeds.mix(seed, row);
  }

  @Override
  public List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
    if (failNextGenerate) {
      failNextGenerate = false;
      throw new SpiceException.BackendException("scripted generation failure");
    }
    List<Completion> out = new ArrayList<>(prompts.size());
    for (int i = 0; i < prompts.size(); i++) {
      Prompt p = prompts.get(i);
      String text = script.complete(p, i, rowSeed(params.seed(), i), this);
      for (String stop : params.stop()) {
        int at = text.indexOf(stop);
        if (at >= 0) {
          text = text.substring(0, at + stop.length());
        }
      }
      String[] w = text.isBlank() ? new String[0] : text.strip().split("\\s+");
      Completion.FinishReason reason = Completion.FinishReason.STOP;
      if (w.length > params.maxNewTokens()) {
        w = java.util.Arrays.copyOf(w, params.maxNewTokens());
        reason = Completion.FinishReason.LENGTH;
      }
      String joined = String.join(" ", w);
      int[] tokens = tokenize(joined);
      float[] lp = new float[tokens.length];
      java.util.Arrays.fill(lp, TOKEN_LOG_PROB);
      out.add(new Completion(joined, tokenize(p.text()), tokens, lp, reason));
    }
    return out;
  }

  @Override
  public List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations) {
    if (prompts.size() != continuations.size()) {
      throw new IllegalArgumentException("prompts and continuations differ in size");
    }
    List<float[]> out = new ArrayList<>();
    for (int[] c : continuations) {
      float[] lp = new float[c.length];
      java.util.Arrays.fill(lp, TOKEN_LOG_PROB);
      out.add(lp);
    }
    return out;
  }

  @Override
  public int[] tokenize(String text) {
    String[] w = text.isBlank() ? new String[0] : text.strip().split("\\s+");
    int[] t = new int[w.length];
    synchronized (ids) {
      for (int i = 0; i < w.length; i++) {
        t[i] = ids.computeIfAbsent(w[i], k -> {
          words.add(k);
          return words.size() - 1;
        });
      }
    }
    return t;
  }

  /** The prompt's words, as {@link #generate} reports its prompt tokens. */
  @Override
  public java.util.Optional<int[]> promptTokens(Prompt prompt) {
    return java.util.Optional.of(tokenize(prompt.text()));
  }

  @Override
  public String detokenize(int[] tokens) {
    StringBuilder sb = new StringBuilder();
    synchronized (ids) {
      return detokenize(tokens, sb);
    }
  }

  private String detokenize(int[] tokens, StringBuilder sb) {
    for (int t : tokens) {
      if (t < 0 || t >= words.size()) {
        throw new IllegalArgumentException("unknown token id " + t);
      }
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(words.get(t));
    }
    return sb.toString();
  }

  @Override
  public UpdateStats update(List<TrainingSample> samples, LossSettings loss) {
    if (samples.isEmpty()) {
      return UpdateStats.empty();
    }
    if (failNextUpdate) {
      failNextUpdate = false;
      throw new SpiceException.BackendException("scripted update failure");
    }
    int[] lengths = new int[samples.size()];
    double sum = 0;
    int tokens = 0;
    for (int i = 0; i < samples.size(); i++) {
      lengths[i] = samples.get(i).completionTokens().length;
      tokens += lengths[i];
    }
    double[] w = loss.aggregation().sampleWeights(lengths);
    double l = 0;
    for (int i = 0; i < samples.size(); i++) {
      sum += samples.get(i).advantage();
      l -= w[i] * samples.get(i).advantage() * lengths[i];
    }
    updates.add(List.copyOf(samples));
    version++;
    advantageSum += sum;
    return new UpdateStats(l, Math.abs(l), 0, 0, Math.log(2), 0, samples.size(), tokens, false, "");
  }

  /**
   * Counts the update (it advances {@link #version()}) and records the batch; the loss is
   * {@code ln 2}, the log-loss of every token. All-zero weights skip, as a real backend does.
   */
  @Override
  public UpdateStats supervisedUpdate(List<SupervisedSample> samples) {
    if (samples.isEmpty()) {
      return UpdateStats.empty();
    }
    if (failNextUpdate) {
      failNextUpdate = false;
      throw new SpiceException.BackendException("scripted update failure");
    }
    int tokens = 0;
    double weight = 0;
    for (SupervisedSample s : samples) {
      tokens += s.targetLength();
      weight += s.weight() * s.targetLength();
    }
    if (weight == 0) {
      return new UpdateStats(Double.NaN, 0, 0, 0, 0, 0, samples.size(), tokens, true,
          "the target tokens' total weight is 0; weights and optimizer state unchanged");
    }
    supervisedUpdates.add(List.copyOf(samples));
    version++;
    return new UpdateStats(Math.log(2), 0, 0, 0, Math.log(2), 0, samples.size(), tokens, false, "");
  }

  /**
   * The prompt's words as {@link #generate} reports its prompt tokens, then the completion's words
   * and the id of the word {@value #EOS} (ids given on first sight, as always).
   */
  @Override
  public SupervisedSample demonstrationSample(Demonstration d) {
    int[] completion = tokenize(d.completion());
    int[] target = java.util.Arrays.copyOf(completion, completion.length + 1);
    target[completion.length] = tokenize(EOS)[0];
    return SupervisedSample.of(tokenize(d.prompt().text()), target);
  }

  @Override
  public void saveCheckpoint(Path directory) {
    try {
      Files.writeString(directory.resolve("scripted.txt"),
          version + " " + Long.toHexString(Double.doubleToRawLongBits(advantageSum)), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write scripted checkpoint: " + e, e);
    }
  }

  @Override
  public void loadCheckpoint(Path directory) {
    try {
      String[] s = Files.readString(directory.resolve("scripted.txt"), StandardCharsets.UTF_8).strip().split(" ");
      long v = Long.parseLong(s[0]);
      double a = Double.longBitsToDouble(Long.parseUnsignedLong(s[1], 16));
      version = v;
      advantageSum = a;
    } catch (IOException | RuntimeException e) {
      throw new SpiceException.CheckpointException("cannot read scripted checkpoint in " + directory + ": " + e, e);
    }
  }
}
