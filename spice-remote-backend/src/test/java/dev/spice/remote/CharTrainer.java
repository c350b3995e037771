package dev.spice.remote;

import dev.spice.core.Completion;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.TrainablePolicy;
import dev.spice.core.TrainingSample;
import dev.spice.core.UpdateStats;
import dev.spice.core.internal.json.Json;
import dev.spice.core.text.PromptTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The in-process trainer of hybrid training tests, with {@link CharModel}'s tokenizer (Unicode
 * code points) and {@link RemotePolicy}'s default template ({@link PromptTemplate#PLAIN}): it never
 * generates, scores every token at log-prob {@link #LOG_PROB} (unlike the served script's
 * {@code -ln 2}, so the rollout/trainer mismatch is visible), counts its updates as its version and
 * writes a fake adapter ({@link #writeAdapter}) carrying that version.
 */
final class CharTrainer implements TrainablePolicy {
  static final float LOG_PROB = (float) Math.log(1.0 / 3);

  final List<List<TrainingSample>> updates = new ArrayList<>();
  long version;

  @Override
  public String name() {
    return "char-trainer";
  }

  @Override
  public List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
    throw new AssertionError("in hybrid training the trainer does not generate");
  }

  @Override
  public List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations) {
    List<float[]> out = new ArrayList<>();
    for (int[] c : continuations) {
      float[] lp = new float[c.length];
      java.util.Arrays.fill(lp, LOG_PROB);
      out.add(lp);
    }
    return out;
  }

  @Override
  public Optional<int[]> promptTokens(Prompt prompt) {
    return Optional.of(PromptTemplate.PLAIN.render(prompt).codePoints().toArray());
  }

  @Override
  public int[] tokenize(String text) {
    return text.codePoints().toArray();
  }

  @Override
  public String detokenize(int[] tokens) {
    return CharModel.decode(tokens);
  }

  @Override
  public UpdateStats update(List<TrainingSample> samples, LossSettings loss) {
    if (samples.isEmpty()) {
      return UpdateStats.empty();
    }
    updates.add(List.copyOf(samples));
    version++;
    int tokens = samples.stream().mapToInt(TrainingSample::completionLength).sum();
    return new UpdateStats(0.5, 1, 0, 0, 1, 0, samples.size(), tokens, false, "");
  }

  /** The fake PEFT adapter: a config with the version, and a weights file. */
  static void writeAdapter(TrainablePolicy trainer, Path dir) {
    try {
      Files.writeString(dir.resolve("adapter_config.json"), Json.write(Map.of("peft_type", "LORA", "r", 8,
          "spice_version", ((CharTrainer) trainer).version)));
      Files.write(dir.resolve("adapter_model.safetensors"), new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ',
          ' ', ' ', ' ', ' '});
    } catch (IOException e) {
      throw new SpiceException.BackendException("cannot write adapter: " + e, e);
    }
  }

  @Override
  public void saveCheckpoint(Path directory) {
    try {
      Files.writeString(directory.resolve("version.txt"), Long.toString(version));
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write: " + e, e);
    }
  }

  @Override
  public void loadCheckpoint(Path directory) {
    try {
      version = Long.parseLong(Files.readString(directory.resolve("version.txt")).strip());
    } catch (IOException | RuntimeException e) {
      throw new SpiceException.CheckpointException("cannot read: " + e, e);
    }
  }
}
