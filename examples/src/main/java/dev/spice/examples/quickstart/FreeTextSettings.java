package dev.spice.examples.quickstart;

import dev.spice.core.SpiceException;
import dev.spice.core.roles.TextTaskCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every setting of the free-text quickstart (the paper's pipeline on a small model: the Challenger
 * writes its task as text, the Reasoner writes its answer as text). Build with {@link #builder()}
 * or {@link #defaults()}; immutable. {@link #toMap()} lists every effective value under the key
 * that {@link Builder#set(String, String)} accepts.
 *
 * @param seed seed of everything (world, split, tokenizer, model init, warm start, self-play, probe)
 * @param countries Factbook countries in the world (default 24)
 * @param fields Factbook fields (default {@link QuickstartSettings#DEFAULT_FIELDS})
 * @param documentsPerCountry shuffled documents per country (default 3)
 * @param minLines fewest fact lines per document (default 4)
 * @param maxLines most fact lines per document (default 6)
 * @param heldOutFraction share of countries whose facts are never shown as question and answer
 *     before self-play: the probe is made from them (default 0.5)
 * @param hiddenSize model width (default 64)
 * @param layers transformer layers (default 2)
 * @param heads attention heads (default 4)
 * @param threads PyTorch threads (default 1)
 * @param warmSteps supervised warm-start steps (default 1200)
 * @param warmLearningRate AdamW learning rate of the warm start (default 3e-3)
 * @param warmDocuments corpus documents per warm-start step (default 16)
 * @param warmDemonstrations demonstrations per warm-start step (default 48)
 * @param iterations self-play iterations of each arm (default 600)
 * @param batchSize B, documents per iteration (default 16)
 * @param challengerGroup G_C, tasks per document (default 4)
 * @param reasonerGroup G_R, answers per task (default 4)
 * @param learningRate AdamW learning rate of self-play (default 2.5e-4)
 * @param gradClip global gradient-norm clip (default 1.0)
 * @param challengerTokens the Challenger's token budget (default 24)
 * @param reasonerTokens the Reasoner's token budget (default 6)
 * @param grounding the task codec's grounding rule (default same_sentence)
 * @param probeEvery iterations between probe evaluations (default 100)
 * @param arms the self-play arms, in order (default {@code spice,frozen_challenger,no_document}; also
 *     {@code spice_threshold}, {@code spice_r_zero}, {@code spice_absolute_zero}: SPICE with another
 *     Challenger reward; {@code spice_mcq_only}, {@code spice_free_only}: SPICE with one task
 *     format); the first must be {@code spice}
 * @param coevolutionAttempts tasks per document and Challenger checkpoint in the co-evolution
 *     evaluation (default 4)
 */
public record FreeTextSettings(
    long seed, int countries, List<String> fields, int documentsPerCountry, int minLines, int maxLines,
    double heldOutFraction, int hiddenSize, int layers, int heads, int threads, int warmSteps,
    double warmLearningRate, int warmDocuments, int warmDemonstrations, int iterations, int batchSize,
    int challengerGroup, int reasonerGroup, double learningRate, double gradClip, int challengerTokens,
    int reasonerTokens, TextTaskCodec.Grounding grounding, int probeEvery, List<String> arms,
    int coevolutionAttempts) {

  /** Validates. @throws SpiceException.ConfigurationException naming every bad value */
  public FreeTextSettings {
    fields = List.copyOf(fields);
    arms = List.copyOf(arms);
    List<String> e = new ArrayList<>();
    check(e, !arms.isEmpty() && arms.get(0).equals("spice") && ARMS.containsAll(arms)
        && arms.stream().distinct().count() == arms.size(),
        "arms must be distinct names of " + ARMS + ", the first spice, got " + arms);
    check(e, countries >= 4, "countries must be >= 4, got " + countries);
    check(e, !fields.isEmpty(), "fields must not be empty");
    check(e, documentsPerCountry >= 1, "documents_per_country must be >= 1, got " + documentsPerCountry);
    check(e, minLines >= 1 && maxLines >= minLines, "need 1 <= min_lines <= max_lines, got " + minLines + ", " + maxLines);
    check(e, heldOutFraction > 0 && heldOutFraction < 1, "held_out_fraction must be in (0, 1), got " + heldOutFraction);
    check(e, hiddenSize >= 8 && heads >= 1 && hiddenSize % heads == 0,
        "hidden_size must be >= 8 and a multiple of heads, got " + hiddenSize + " / " + heads);
    check(e, layers >= 1, "layers must be >= 1, got " + layers);
    check(e, threads >= 1, "threads must be >= 1, got " + threads);
    check(e, warmSteps >= 0, "warm_steps must be >= 0, got " + warmSteps);
    check(e, warmLearningRate > 0, "warm_learning_rate must be > 0, got " + warmLearningRate);
    check(e, warmDocuments >= 0, "warm_documents must be >= 0, got " + warmDocuments);
    check(e, warmDemonstrations >= 1, "warm_demonstrations must be >= 1, got " + warmDemonstrations);
    check(e, iterations >= 10, "iterations must be >= 10, got " + iterations);
    check(e, batchSize >= 1, "batch_size must be >= 1, got " + batchSize);
    check(e, challengerGroup >= 2, "challenger_group must be >= 2, got " + challengerGroup
        + " (Dr. GRPO's group-mean baseline gives a group of one task zero advantage: the Challenger would not learn)");
    check(e, reasonerGroup >= 2, "reasoner_group must be >= 2, got " + reasonerGroup);
    check(e, learningRate > 0, "learning_rate must be > 0, got " + learningRate);
    check(e, gradClip > 0, "grad_clip must be > 0, got " + gradClip);
    check(e, challengerTokens >= 8, "challenger_tokens must be >= 8, got " + challengerTokens);
    check(e, reasonerTokens >= 3, "reasoner_tokens must be >= 3, got " + reasonerTokens);
    check(e, grounding != null, "grounding must be set");
    check(e, probeEvery >= 1, "probe_every must be >= 1, got " + probeEvery);
    check(e, coevolutionAttempts >= 1, "coevolution_attempts must be >= 1, got " + coevolutionAttempts);
    if (!e.isEmpty()) {
      throw new SpiceException.ConfigurationException("bad free-text quickstart settings: " + String.join("; ", e));
    }
  }

  private static void check(List<String> errors, boolean ok, String message) {
    if (!ok) {
      errors.add(message);
    }
  }

  /** The defaults. */
  public static FreeTextSettings defaults() {
    return builder().build();
  }

  /** A builder at the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    toMap().forEach((k, v) -> b.set(k, String.valueOf(v)));
    return b;
  }

  /** Every setting by its key, in declaration order. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seed", seed);
    m.put("countries", countries);
    m.put("fields", String.join(",", fields));
    m.put("documents_per_country", documentsPerCountry);
    m.put("min_lines", minLines);
    m.put("max_lines", maxLines);
    m.put("held_out_fraction", heldOutFraction);
    m.put("hidden_size", hiddenSize);
    m.put("layers", layers);
    m.put("heads", heads);
    m.put("threads", threads);
    m.put("warm_steps", warmSteps);
    m.put("warm_learning_rate", warmLearningRate);
    m.put("warm_documents", warmDocuments);
    m.put("warm_demonstrations", warmDemonstrations);
    m.put("iterations", iterations);
    m.put("batch_size", batchSize);
    m.put("challenger_group", challengerGroup);
    m.put("reasoner_group", reasonerGroup);
    m.put("learning_rate", learningRate);
    m.put("grad_clip", gradClip);
    m.put("challenger_tokens", challengerTokens);
    m.put("reasoner_tokens", reasonerTokens);
    m.put("grounding", grounding.name().toLowerCase(Locale.ROOT));
    m.put("probe_every", probeEvery);
    m.put("arms", String.join(",", arms));
    m.put("coevolution_attempts", coevolutionAttempts);
    return m;
  }

  /** Fail-fast builder; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private final Map<String, String> values = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets one setting by its {@link FreeTextSettings#toMap()} key.
     *
     * @throws SpiceException.ConfigurationException for an unknown key (naming the valid ones)
     */
    public Builder set(String key, String value) {
      if (!KEYS.contains(key)) {
        throw new SpiceException.ConfigurationException("unknown free-text setting '" + key + "'; valid: "
            + String.join(", ", KEYS));
      }
      values.put(key, value.strip());
      return this;
    }

    /** Sets the seed. */
    public Builder seed(long seed) {
      return set("seed", Long.toString(seed));
    }

    /** Sets the self-play iterations of each arm. */
    public Builder iterations(int n) {
      return set("iterations", Integer.toString(n));
    }

    /** Builds. @throws SpiceException.ConfigurationException naming a value that does not parse or is out of range */
    public FreeTextSettings build() {
      return new FreeTextSettings(l("seed", 1), i("countries", 24),
          List.of(s("fields", String.join(",", QuickstartSettings.DEFAULT_FIELDS)).split(",")),
          i("documents_per_country", 3), i("min_lines", 4), i("max_lines", 6), d("held_out_fraction", 0.5),
          i("hidden_size", 64), i("layers", 2), i("heads", 4), i("threads", 1), i("warm_steps", 1200),
          d("warm_learning_rate", 3e-3), i("warm_documents", 16), i("warm_demonstrations", 48),
          i("iterations", 600), i("batch_size", 16), i("challenger_group", 4), i("reasoner_group", 4),
          d("learning_rate", 2.5e-4), d("grad_clip", 1.0), i("challenger_tokens", 24), i("reasoner_tokens", 6),
          grounding(s("grounding", "same_sentence")), i("probe_every", 100), List.of(s("arms", "spice,frozen_challenger,no_document").split(",")),
          i("coevolution_attempts", 4));
    }

    private String s(String key, String def) {
      return values.getOrDefault(key, def);
    }

    private int i(String key, int def) {
      String v = values.get(key);
      try {
        return v == null ? def : Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw bad(key, v, "an integer");
      }
    }

    private long l(String key, long def) {
      String v = values.get(key);
      try {
        return v == null ? def : Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw bad(key, v, "an integer");
      }
    }

    private double d(String key, double def) {
      String v = values.get(key);
      try {
        return v == null ? def : Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw bad(key, v, "a number");
      }
    }

    private TextTaskCodec.Grounding grounding(String v) {
      try {
        return TextTaskCodec.Grounding.valueOf(v.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw bad("grounding", v, "none, answer_in_document or same_sentence");
      }
    }

    private static SpiceException.ConfigurationException bad(String key, String value, String expected) {
      return new SpiceException.ConfigurationException("free-text setting " + key + " must be " + expected + ", got '"
          + value + "'");
    }
  }

  private static final List<String> KEYS = List.of("seed", "countries", "fields", "documents_per_country",
      "min_lines", "max_lines", "held_out_fraction", "hidden_size", "layers", "heads", "threads", "warm_steps",
      "warm_learning_rate", "warm_documents", "warm_demonstrations", "iterations", "batch_size", "challenger_group",
      "reasoner_group", "learning_rate", "grad_clip", "challenger_tokens", "reasoner_tokens", "grounding",
      "probe_every", "arms", "coevolution_attempts");

  /** Every arm name. */
  public static final List<String> ARMS = List.of("spice", "frozen_challenger", "no_document", "spice_threshold",
      "spice_r_zero", "spice_absolute_zero", "spice_mcq_only", "spice_free_only");
}
