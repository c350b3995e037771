package dev.spice.core.testing;

import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reference files made by Hugging Face transformers (see {@code src/test/python/make_hf_reference.py}
 * in spice-core): for each model, a random-init float32 checkpoint saved by transformers itself
 * ({@code config.json}, {@code model.safetensors}), {@code reference.json} (token ids, float64
 * log-probs, a greedy continuation) and {@code gradients.safetensors} (float64 gradients of the
 * clipped policy-gradient loss, prefixes {@code noclip.} and {@code clip.}). Backends compare
 * themselves against these. The vocabulary is {@link #VOCABULARY} (44 word-level tokens).
 */
public final class HfReference {
  private HfReference() {}

  /** The models: Llama with llama3 rope scaling (untied), Llama tied, Qwen2 tied, Qwen3 tied and untied. */
  public static final List<String> MODELS =
      List.of("llama3-scaled-untied", "llama-tied", "qwen2-tied", "qwen3-tied", "qwen3-untied");

  /** Files of each model directory. */
  public static final List<String> FILES =
      List.of("config.json", "model.safetensors", "reference.json", "gradients.safetensors");

  /** Token id i is {@code VOCABULARY.get(i)}: {@code <pad> <unk> <bos> <eos> w0 ... w39}. */
  public static final List<String> VOCABULARY = vocabulary();

  private static List<String> vocabulary() {
    List<String> v = new ArrayList<>(List.of("<pad>", "<unk>", "<bos>", "<eos>"));
    for (int i = 0; i < 40; i++) {
      v.add("w" + i);
    }
    return List.copyOf(v);
  }

  /** Copies a model's files from the class path (a directory or the test jar) into {@code dir}/model. */
  public static Path extract(String model, Path dir) {
    Path out = dir.resolve(model);
    try {
      Files.createDirectories(out);
      for (String f : FILES) {
        try (InputStream in = HfReference.class.getResourceAsStream("/hf-reference/" + model + "/" + f)) {
          if (in == null) {
            throw new IllegalStateException("reference file hf-reference/" + model + "/" + f + " is not on the class path");
          }
          Files.copy(in, out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The parsed {@code reference.json} of an extracted model directory. */
  public static Map<String, Object> reference(Path modelDir) {
    try {
      return Json.parseObject(Files.readString(modelDir.resolve("reference.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The space-separated words of token ids under {@link #VOCABULARY}. */
  public static String text(int[] ids) {
    StringBuilder sb = new StringBuilder();
    for (int id : ids) {
      sb.append(sb.length() == 0 ? "" : " ").append(VOCABULARY.get(id));
    }
    return sb.toString();
  }

  /** A JSON list of numbers as ints. */
  @SuppressWarnings("unchecked")
  public static int[] ints(Object list) {
    return ((List<Number>) list).stream().mapToInt(Number::intValue).toArray();
  }

  /** A JSON list of numbers as doubles. */
  @SuppressWarnings("unchecked")
  public static double[] doubles(Object list) {
    return ((List<Number>) list).stream().mapToDouble(Number::doubleValue).toArray();
  }

  /** The {@code samples} of a reference: prompt, completion, advantage, logprobs, old_shift. */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> samples(Map<String, Object> reference) {
    return (List<Map<String, Object>>) reference.get("samples");
  }
}
