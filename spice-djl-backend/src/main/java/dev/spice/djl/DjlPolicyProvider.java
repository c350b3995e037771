package dev.spice.djl;

import dev.spice.core.PolicyBackend;
import dev.spice.core.PolicyProvider;
import dev.spice.core.SpiceException;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.WordTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Registers the DJL backend under the name {@value #NAME} for {@link dev.spice.core.Policies}.
 *
 * <p>Option keys (all values are strings; unknown keys are rejected):
 * <ul>
 *   <li>{@code model}: a Hugging Face checkpoint directory, or
 *   <li>{@code config} + {@code vocab} (+ {@code seed}, default 0): random initialisation from a
 *       {@code config.json} and a word list file (one word per line, id = line index, blank lines
 *       ignored) read by {@link WordTokenizer#of}
 *   <li>{@code tokenizer}: a {@code tokenizer.json} overriding the checkpoint's
 *   <li>{@code template}: {@code raw}, {@code plain} or {@code chatml}
 *   <li>{@code device}: {@code cpu}, {@code gpu}, {@code gpu:N} or {@code auto}
 *   <li>{@code threads}, {@code micro_batch_size}, {@code generation_batch_size}: integers
 *   <li>{@code learning_rate}, {@code beta1}, {@code beta2}, {@code epsilon}, {@code weight_decay},
 *       {@code grad_clip}: numbers; {@code warmup_steps}: integer
 *   <li>{@code keep_reference}, {@code eos_when_constrained}, {@code add_bos}: {@code true} or
 *       {@code false}
 *   <li>{@code lora_rank} (integer; turns LoRA on), {@code lora_alpha} (number, default twice the
 *       rank), {@code lora_target_modules} (comma-separated, default all seven), {@code lora_seed}
 *       (integer, default 0): a new {@link LoraSettings} adapter; or {@code lora_adapter}: a saved
 *       PEFT adapter directory
 *   <li>{@code base_dtype}: {@code float32} (default) or {@code float16}, the
 *       frozen base's element type under LoRA ({@link BaseDtype})
 * </ul>
 */
public final class DjlPolicyProvider implements PolicyProvider {
  /** The backend name. */
  public static final String NAME = "djl";

  /** Every accepted option key. */
  public static final Set<String> KEYS = Set.copyOf(new TreeSet<>(List.of("model", "config", "vocab", "seed",
      "tokenizer", "template", "device", "threads", "micro_batch_size", "generation_batch_size", "learning_rate",
      "beta1", "beta2", "epsilon", "weight_decay", "grad_clip", "warmup_steps", "keep_reference",
      "eos_when_constrained", "add_bos", "lora_rank", "lora_alpha", "lora_target_modules", "lora_seed",
      "lora_adapter", "base_dtype")));

  /** Used by {@link java.util.ServiceLoader}. */
  public DjlPolicyProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int rank() {
    return 10;
  }

  @Override
  public boolean isAvailable() {
    try {
      Class.forName("ai.djl.pytorch.engine.PtEngine");
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** DJL policies are {@link DjlPolicy}, a {@link dev.spice.core.TrainablePolicy}. */
  @Override
  public boolean isTrainable() {
    return true;
  }

  @Override
  public PolicyBackend create(Map<String, String> options) {
    return configure(options).build();
  }

  /**
   * A builder set from the options, checked but not yet built (no model is loaded or allocated).
   *
   * @throws SpiceException.ConfigurationException naming the bad option
   */
  static DjlPolicy.Builder configure(Map<String, String> options) {
    for (String k : options.keySet()) {
      if (!KEYS.contains(k)) {
        throw new SpiceException.ConfigurationException(
            "unknown option '" + k + "' for backend " + NAME + "; valid: " + new TreeSet<>(KEYS));
      }
    }
    DjlPolicy.Builder b = DjlPolicy.builder();
    if (options.containsKey("model")) {
      if (options.containsKey("config") || options.containsKey("vocab")) {
        throw new SpiceException.ConfigurationException("give either 'model' or 'config' + 'vocab', not both");
      }
      b.pretrained(Path.of(options.get("model")));
    } else if (options.containsKey("config") && options.containsKey("vocab")) {
      TransformerConfig cfg = TransformerConfig.read(Path.of(options.get("config")));
      b.randomInit(cfg, integer(options, "seed", 0)).tokenizer(WordTokenizer.of(readWords(Path.of(options.get("vocab")))));
    } else {
      throw new SpiceException.ConfigurationException(
          "backend " + NAME + " needs option 'model' (checkpoint directory) or 'config' and 'vocab' (random init)");
    }
    if (options.containsKey("tokenizer")) {
      b.tokenizer(HfTokenizer.load(Path.of(options.get("tokenizer"))));
    }
    if (options.containsKey("template")) {
      b.template(PromptTemplate.named(options.get("template")));
    }
    if (options.containsKey("device")) {
      b.device(options.get("device"));
    }
    b.threads((int) integer(options, "threads", 0));
    b.microBatchSize((int) integer(options, "micro_batch_size", 0));
    b.generationBatchSize((int) integer(options, "generation_batch_size", 256));
    OptimizerSettings d = OptimizerSettings.adamW(1e-6);
    b.optimizer(new OptimizerSettings(number(options, "learning_rate", d.learningRate()),
        number(options, "beta1", d.beta1()), number(options, "beta2", d.beta2()),
        number(options, "epsilon", d.epsilon()), number(options, "weight_decay", d.weightDecay()),
        number(options, "grad_clip", d.gradClip()), (int) integer(options, "warmup_steps", 0)));
    b.keepReference(bool(options, "keep_reference", false));
    b.eosWhenConstrained(bool(options, "eos_when_constrained", true));
    b.addBos(bool(options, "add_bos", false));
    if (options.containsKey("lora_rank")) {
      int rank = (int) integer(options, "lora_rank", 0);
      LoraSettings.Builder l = LoraSettings.builder().rank(rank).alpha(number(options, "lora_alpha", 2.0 * rank))
          .seed(integer(options, "lora_seed", 0));
      if (options.containsKey("lora_target_modules")) {
        Set<String> modules = new java.util.LinkedHashSet<>();
        for (String m : options.get("lora_target_modules").split(",")) {
          modules.add(m.strip());
        }
        l.targetModules(modules);
      }
      b.lora(l.build());
    } else {
      for (String k : List.of("lora_alpha", "lora_target_modules", "lora_seed")) {
        if (options.containsKey(k)) {
          throw new SpiceException.ConfigurationException("option '" + k + "' needs 'lora_rank'");
        }
      }
    }
    if (options.containsKey("lora_adapter")) {
      b.loraAdapter(Path.of(options.get("lora_adapter")));
    }
    if (options.containsKey("base_dtype")) {
      b.baseDtype(BaseDtype.named(options.get("base_dtype")));
    }
    return b;
  }

  static List<String> readWords(Path file) {
    try {
      List<String> out = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          out.add(line.strip());
        }
      }
      return out;
    } catch (IOException e) {
      throw new SpiceException.ConfigurationException("cannot read vocabulary file " + file + ": " + e.getMessage());
    }
  }

  private static long integer(Map<String, String> o, String k, long dflt) {
    String v = o.get(k);
    if (v == null) {
      return dflt;
    }
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw new SpiceException.ConfigurationException("option '" + k + "' must be an integer, got '" + v + "'");
    }
  }

  private static double number(Map<String, String> o, String k, double dflt) {
    String v = o.get(k);
    if (v == null) {
      return dflt;
    }
    try {
      return Double.parseDouble(v.strip());
    } catch (NumberFormatException e) {
      throw new SpiceException.ConfigurationException("option '" + k + "' must be a number, got '" + v + "'");
    }
  }

  private static boolean bool(Map<String, String> o, String k, boolean dflt) {
    String v = o.get(k);
    if (v == null) {
      return dflt;
    }
    return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new SpiceException.ConfigurationException("option '" + k + "' must be true or false, got '" + v + "'");
    };
  }
}
