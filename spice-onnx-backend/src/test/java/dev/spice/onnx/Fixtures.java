package dev.spice.onnx;

import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Test fixtures written on the fly: random-weight Hugging Face checkpoints and tokenizers. */
final class Fixtures {
  private Fixtures() {}

  /** Qwen3-like: tied embeddings, q/k norms, GQA 4/2. */
  static TransformerConfig qwen3(int vocab) {
    return new TransformerConfig("qwen3", vocab, 32, 64, 2, 4, 2, 8, 1e-6, 10_000, 512, true, false, true,
        -1, List.of(1));
  }

  /** Qwen2-like: q/k/v biases, untied head, GQA 4/1, large rope base. */
  static TransformerConfig qwen2(int vocab) {
    return new TransformerConfig("qwen2", vocab, 32, 48, 2, 4, 1, 8, 1e-6, 1_000_000, 512, false, true, false,
        -1, List.of(1));
  }

  /** Llama-like: no GQA, untied, head dim not hidden / heads. */
  static TransformerConfig llama(int vocab) {
    return new TransformerConfig("llama", vocab, 24, 40, 3, 2, 2, 16, 1e-5, 500_000, 512, false, false, false,
        -1, List.of(1));
  }

  /** A 50-word vocabulary: id 0 pad, id 1 end of sequence, the contract tests' words, then w13..w49. */
  static List<String> vocabulary() {
    List<String> v = new ArrayList<>(List.of("<pad>", "<eos>", "hello", "world", "what", "is", "two", "plus",
        "four", "A", "B", "C", "D"));
    for (int i = v.size(); i < 50; i++) {
      v.add("w" + i);
    }
    return v;
  }

  /** Writes a Hugging Face word-level tokenizer.json with {@link #vocabulary()}. */
  static Path tokenizerJson(Path dir) {
    StringBuilder vocab = new StringBuilder();
    List<String> words = vocabulary();
    for (int i = 0; i < words.size(); i++) {
      vocab.append(i == 0 ? "" : ",").append('"').append(words.get(i)).append("\":").append(i);
    }
    String json = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],"
        + "\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"WhitespaceSplit\"},\"post_processor\":null,"
        + "\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{" + vocab + "},\"unk_token\":\"<pad>\"}}";
    Path file = dir.resolve("tokenizer.json");
    try {
      Files.createDirectories(dir);
      Files.writeString(file, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Writes config.json and model.safetensors with seeded random weights. */
  static Path checkpoint(Path dir, TransformerConfig config, long seed) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Random r = new Random(seed);
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    for (Map.Entry<String, long[]> e : config.tensorShapes().entrySet()) {
      long n = 1;
      for (long d : e.getValue()) {
        n *= d;
      }
      float[] data = new float[(int) n];
      boolean norm = e.getKey().endsWith("norm.weight");
      for (int i = 0; i < data.length; i++) {
        data[i] = norm ? (float) (1 + 0.2 * r.nextGaussian()) : (float) (0.15 * r.nextGaussian());
      }
      tensors.add(new SafeTensors.Tensor(e.getKey(), e.getValue(), data));
    }
    config.write(dir.resolve("config.json"));
    SafeTensors.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
    return dir;
  }
}
