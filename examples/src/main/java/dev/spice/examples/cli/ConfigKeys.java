package dev.spice.examples.cli;

import dev.spice.examples.cli.ConfigKey.Mode;
import dev.spice.examples.cli.ConfigKey.Type;
import dev.spice.examples.quickstart.QuickstartSettings;
import dev.spice.core.Recipe;
import dev.spice.rewards.LossAggregations;
import dev.spice.rewards.Presets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry of every config key of the CLI. Keys of the quickstart are derived from
 * {@link QuickstartSettings#toMap()} (so they follow its settings), with their descriptions here;
 * keys of the {@code --model} run are listed here.
 */
final class ConfigKeys {
  private ConfigKeys() {}

  /** Descriptions of the quickstart's settings, by key. */
  static final Map<String, String> QUICKSTART_DESCRIPTIONS = Map.ofEntries(
      Map.entry("seed", "seed of everything: world, documents, model init, engine, probe, evaluation"),
      Map.entry("countries", "number of Factbook countries in the fact world"),
      Map.entry("fields", "Factbook fields of the fact world (comma-separated)"),
      Map.entry("documents_per_country", "shuffled documents per country"),
      Map.entry("min_lines", "fewest fact lines per document"),
      Map.entry("max_lines", "most fact lines per document"),
      Map.entry("pointers", "lines the Challenger can point at: it emits one action token MCQ@Lk or FREE@Lk, k < pointers (a line past the document's end is an invalid task)"),
      Map.entry("iterations", "self-play iterations"),
      Map.entry("batch_size", "B, documents per iteration"),
      Map.entry("group_size", "G, samples per group for both roles (the --model run sets them apart: "
          + "challenger_group_size, reasoner_group_size; TRL's num_generations is reasoner_group_size there)"),
      Map.entry("learning_rate", "AdamW learning rate"),
      Map.entry("grad_clip", "global gradient-norm clip (0 disables)"),
      Map.entry("hidden_size", "model width"),
      Map.entry("layers", "transformer layers"),
      Map.entry("heads", "attention heads"),
      Map.entry("threads", "PyTorch intra-op threads"),
      Map.entry("probe_free", "free-form tasks in the fixed probe set"),
      Map.entry("probe_mcq", "multiple-choice tasks in the fixed probe set"),
      Map.entry("probe_every", "iterations between probe evaluations"),
      Map.entry("checkpoint_every", "iterations between checkpoints"),
      Map.entry("coevolution_attempts", "task attempts per document and Challenger checkpoint in the co-evolution test"),
      Map.entry("challenger_reward", "Challenger reward: variance (SPICE), r-zero, absolute-zero or threshold"));

  /** Keys of the general run (a Hugging Face checkpoint and a corpus). */
  static List<ConfigKey> modelKeys() {
    List<ConfigKey> k = new ArrayList<>();
    k.add(ConfigKey.of("model", Type.PATH, Mode.MODEL, null,
        "Hugging Face checkpoint directory (config.json, model.safetensors, tokenizer.json); selects the --model run"));
    k.add(ConfigKey.of("corpus", Type.STRING, Mode.MODEL, "factbook",
        "corpus: a directory (of .jsonl/.json(.gz), .parquet, or .txt/.md files), a .jsonl/.jsonl.gz/.json file, "
            + "a .parquet or .csv file, or 'factbook' for the bundled Factbook"));
    k.add(ConfigKey.of("text_field", Type.STRING, Mode.MODEL, "text",
        "JSON field (dotted path) or table column holding a document's text"));
    k.add(ConfigKey.choice("on_bad_record", Mode.MODEL, "fail",
        "what to do with a corpus record that cannot be used (malformed JSON, a missing or mistyped text or id "
            + "field, a repeated id, a binary-looking text file): fail stops before the model is loaded, naming file "
            + "and line; skip leaves it out, counts it and prints a warning",
        List.of("fail", "skip")));
    k.add(ConfigKey.of("include", Type.LIST, Mode.MODEL, "by kind",
        "globs of the files to read inside a corpus directory, replacing the defaults (text: *.txt,*.md; JSON: "
            + "*.jsonl,*.jsonl.gz,*.ndjson,*.ndjson.gz,*.json,*.json.gz; *.parquet; *.csv); a glob without '/' matches "
            + "file names anywhere, one with '/' the path relative to the directory (drafts/**); comma-separated, so "
            + "write *.txt,*.md rather than *.{txt,md}; the matching files decide the directory's kind"));
    k.add(ConfigKey.of("exclude", Type.LIST, Mode.MODEL, "none",
        "globs of files to leave out of a corpus directory (same rules as include), for example a binary file "
            + "among text files"));
    k.add(ConfigKey.of("segment_tokens", Type.INT, Mode.MODEL, "5992",
        "split documents into segments of at most this many model tokens (0 = no splitting; paper 5992)").atLeast(0));
    k.add(ConfigKey.of("seed", Type.LONG, Mode.MODEL, "0", "seed of corpus sampling, the engine and generation"));
    k.add(ConfigKey.of("iterations", Type.INT, Mode.MODEL, "640", "self-play iterations (paper 640)").atLeast(1));
    k.add(ConfigKey.choice("recipe", Mode.MODEL, "spice", "training recipe (spice-rewards preset)",
        Presets.NAMES.stream().filter(n -> !n.equals("fixed-challenger")).toList()));
    k.add(ConfigKey.of("batch_size", Type.INT, Mode.MODEL, "128", "B, documents per iteration (paper 128)").atLeast(1));
    k.add(ConfigKey.of("challenger_group_size", Type.INT, Mode.MODEL,
        "recipe's (spice: " + Presets.spice().challengerGroupSize() + ")",
        "G_C, Challenger attempts kept per document (default: the recipe's)").atLeast(1));
    k.add(ConfigKey.of("reasoner_group_size", Type.INT, Mode.MODEL,
        "recipe's (spice: " + Presets.spice().reasonerGroupSize() + ")",
        "G_R, Reasoner answers per task (default: the recipe's); TRL's num_generations and verl's "
            + "actor_rollout_ref.rollout.n set this, the Reasoner's group (the quickstart's group_size sets both roles)")
        .atLeast(2));
    k.add(ConfigKey.of("max_challenger_attempts", Type.INT, Mode.MODEL, "2 * G_C",
        "N, most Challenger attempts per document until one is valid").atLeast(1));
    addRecipeKeys(k);
    k.add(ConfigKey.choice("zero_variance_policy", Mode.MODEL, "keep",
        "what to do with groups whose rewards are all equal", List.of("keep", "drop", "resample")));
    k.add(ConfigKey.choice("device", Mode.MODEL, "auto", "where the model runs (gpu:N picks a GPU)",
        List.of("cpu", "gpu", "auto")));
    k.add(ConfigKey.choice("template", Mode.MODEL, "plain", "how prompts are rendered for the model",
        List.of("raw", "plain", "chatml")));
    k.add(ConfigKey.of("learning_rate", Type.DOUBLE, Mode.MODEL, "1e-6", "AdamW learning rate (paper 1e-6, constant)")
        .range(1e-12, 10));
    k.add(ConfigKey.of("grad_clip", Type.DOUBLE, Mode.MODEL, "1.0", "global gradient-norm clip (0 disables)").atLeast(0));
    k.add(ConfigKey.of("warmup_steps", Type.INT, Mode.MODEL, "0", "linear learning-rate warm-up in updates").atLeast(0));
    k.add(ConfigKey.of("threads", Type.INT, Mode.MODEL, "0", "PyTorch intra-op threads (0 = automatic)").atLeast(0));
    k.add(ConfigKey.of("micro_batch_size", Type.INT, Mode.MODEL, "0",
        "most samples per training micro-batch (0 = no limit; result does not depend on it)").atLeast(0));
    k.add(ConfigKey.of("temperature", Type.DOUBLE, Mode.MODEL, "1.0", "sampling temperature, both roles").range(1e-6, 100));
    k.add(ConfigKey.of("top_p", Type.DOUBLE, Mode.MODEL, "1.0", "nucleus sampling, both roles").range(1e-6, 1));
    k.add(ConfigKey.of("challenger_max_tokens", Type.INT, Mode.MODEL, "1024", "token budget of a Challenger task")
        .atLeast(1));
    k.add(ConfigKey.of("reasoner_max_tokens", Type.INT, Mode.MODEL, "1024", "token budget of a Reasoner answer")
        .atLeast(1));
    k.add(ConfigKey.of("checkpoint_every", Type.INT, Mode.MODEL, "50",
        "iterations between checkpoints (one is always written at the end)").atLeast(1));
    k.addAll(AdapterKeys.keys());
    return k;
  }

  /** Estimator names of the {@code advantage_estimator} key (those of {@code AdvantageEstimators.byName}). */
  static final List<String> ADVANTAGE_ESTIMATORS = List.of("dr_grpo", "grpo", "rloo", "reinforce_pp");

  /** Aggregation names of the {@code loss_aggregation} key (see {@link RecipeKeys#aggregation}). */
  static final List<String> LOSS_AGGREGATIONS = List.of("dr_grpo", "seq_mean", "token_mean");

  /** The recipe settings of the --model run; each defaults to the chosen recipe's value. */
  private static void addRecipeKeys(List<ConfigKey> k) {
    Recipe spice = Presets.spice();
    String of = "recipe's (spice: ";
    k.add(ConfigKey.of("clip_low", Type.DOUBLE, Mode.MODEL, of + spice.loss().clipLow() + ")",
        "PPO clip epsilon below: the ratio is clipped at 1 - clip_low").range(0, 1));
    k.add(ConfigKey.of("clip_high", Type.DOUBLE, Mode.MODEL, "clip_low if set, else the " + of
        + spice.loss().clipHigh() + ")", "PPO clip epsilon above: the ratio is clipped at 1 + clip_high (DAPO: 0.28)")
        .range(0, 10));
    k.add(ConfigKey.of("kl_beta", Type.DOUBLE, Mode.MODEL, of + spice.loss().klBeta() + ")",
        "weight of the KL penalty to the initial model (0 disables it; above 0 keeps a frozen reference copy)")
        .range(0, 100));
    k.add(ConfigKey.choice("advantage_estimator", Mode.MODEL, of + spice.reasonerAdvantage().name() + ")",
        "advantage of both roles: dr_grpo (r - group mean, no std: Dr. GRPO, SPICE), grpo ((r - mean) / std), "
            + "rloo (leave-one-out mean), reinforce_pp (REINFORCE++ batch baseline and std)", ADVANTAGE_ESTIMATORS));
    k.add(ConfigKey.choice("loss_aggregation", Mode.MODEL, of + RecipeKeys.aggregationName(spice) + ")",
        "how token losses are averaged: dr_grpo (token sums over the constant L_norm " + LossAggregations.PAPER_L_NORM
            + "), seq_mean (per-sequence mean, then over samples: GRPO), token_mean (one mean over all tokens: DAPO)",
        LOSS_AGGREGATIONS));
  }

  /** Keys of every run. */
  static List<ConfigKey> commonKeys() {
    return List.of(
        ConfigKey.of("out", Type.PATH, Mode.BOTH, "runs/spice-<date>-<time>",
            "run folder: metrics.jsonl, checkpoints, report"),
        ConfigKey.of("progress_every", Type.INT, Mode.MODEL, "10",
            "without a terminal, print a progress line every this many iterations").atLeast(1),
        ConfigKey.of("report", Type.BOOL, Mode.MODEL, "true",
            "write report.html with plots at the end (the quickstart always writes it)"),
        ConfigKey.of("tensorboard", Type.BOOL, Mode.MODEL, "true",
            "write TensorBoard event files to <out>/tensorboard (tensorboard --logdir runs/)"),
        ConfigKey.of("log_completions_every", Type.INT, Mode.MODEL, "10",
            "log sampled prompts, completions, answers, rewards and advantages of both roles to "
                + "<out>/completions.jsonl every this many iterations, size-bounded (TRL's log_completions; 0 = off)")
            .atLeast(0));
  }

  /** Keys of the quickstart, from its settings' defaults. */
  static List<ConfigKey> quickstartKeys() {
    List<ConfigKey> out = new ArrayList<>();
    for (Map.Entry<String, Object> e : QuickstartSettings.defaults().toMap().entrySet()) {
      Object v = e.getValue();
      String desc = QUICKSTART_DESCRIPTIONS.getOrDefault(e.getKey(), "quickstart setting " + e.getKey());
      ConfigKey k;
      if (v instanceof Integer) {
        k = ConfigKey.of(e.getKey(), Type.INT, Mode.QUICKSTART, v.toString(), desc);
      } else if (v instanceof Long) {
        k = ConfigKey.of(e.getKey(), Type.LONG, Mode.QUICKSTART, v.toString(), desc);
      } else if (v instanceof Double) {
        k = ConfigKey.of(e.getKey(), Type.DOUBLE, Mode.QUICKSTART, v.toString(), desc);
      } else if (v instanceof Boolean) {
        k = ConfigKey.of(e.getKey(), Type.BOOL, Mode.QUICKSTART, v.toString(), desc);
      } else if (v instanceof List<?> l) {
        k = ConfigKey.of(e.getKey(), Type.LIST, Mode.QUICKSTART, String.join(",", l.stream().map(String::valueOf).toList()),
            desc);
      } else if (v instanceof Enum<?> en) {
        List<String> names = new ArrayList<>();
        for (Object c : en.getDeclaringClass().getEnumConstants()) {
          names.add(QuickstartBridge.choiceName((Enum<?>) c));
        }
        k = ConfigKey.choice(e.getKey(), Mode.QUICKSTART, QuickstartBridge.choiceName(en), desc, names);
      } else {
        k = ConfigKey.of(e.getKey(), Type.STRING, Mode.QUICKSTART, String.valueOf(v), desc);
      }
      out.add(k);
    }
    return out;
  }

  /** Every key by name; a key of both runs has {@link Mode#BOTH} and the quickstart's default. */
  static Map<String, ConfigKey> all() {
    Map<String, ConfigKey> m = new TreeMap<>();
    for (ConfigKey k : modelKeys()) {
      m.put(k.name(), k);
    }
    for (ConfigKey q : quickstartKeys()) {
      ConfigKey g = m.get(q.name());
      if (g == null) {
        m.put(q.name(), q);
      } else {
        // same name in both runs: keep the --model key's type and range, note both defaults
        m.put(q.name(), g.withMode(Mode.BOTH).withDefault(q.defaultText() + " (quickstart), " + g.defaultText()
            + " (--model)"));
      }
    }
    for (ConfigKey k : commonKeys()) {
      m.put(k.name(), k);
    }
    return Collections.unmodifiableMap(m);
  }

  /** The keys as a text table of lines under 100 characters (for --help). */
  static String table() {
    StringBuilder sb = new StringBuilder();
    for (ConfigKey k : all().values()) {
      sb.append("  ").append(k.name()).append("  [").append(k.mode().label).append("]  ").append(k.typeText())
          .append("; default ").append(k.defaultText() == null ? "none" : k.defaultText()).append('\n');
      wrap(sb, k.description());
      List<String> aliases = ConfigAliases.of(k.name()).stream().map(ConfigAliases.Alias::describe).toList();
      if (!aliases.isEmpty()) {
        wrap(sb, "aliases: " + String.join("; ", aliases));
      }
    }
    return sb.toString();
  }

  /**
   * The keys as the Markdown table of examples/README.md (one row per key, its aliases in a column),
   * so that the README can be checked against the code.
   */
  static String markdownTable() {
    StringBuilder sb = new StringBuilder("| key | run | valid values | default | TRL / verl aliases | meaning |\n"
        + "|---|---|---|---|---|---|\n");
    for (ConfigKey k : all().values()) {
      List<String> aliases = ConfigAliases.of(k.name()).stream().map(a -> {
        String d = a.describe();
        int sp = d.indexOf(' ');
        return "`" + d.substring(0, sp) + "`" + d.substring(sp);
      }).toList();
      sb.append("| `").append(k.name()).append("` | ").append(k.mode().label).append(" | ").append(md(k.typeText()))
          .append(" | ").append(md(k.defaultText() == null ? "none" : k.defaultText())).append(" | ")
          .append(aliases.isEmpty() ? "" : md(String.join("; ", aliases))).append(" | ").append(md(k.description()))
          .append(" |\n");
    }
    return sb.toString();
  }

  private static String md(String text) {
    return text.replace("<", "&lt;").replace("|", "\\|");
  }

  /** Appends text in lines of at most 98 characters, indented by six spaces. */
  private static void wrap(StringBuilder sb, String text) {
    StringBuilder line = new StringBuilder("      ");
    for (String word : text.split(" ")) {
      if (line.length() + word.length() + 1 > 98 && line.length() > 6) {
        sb.append(line).append('\n');
        line = new StringBuilder("      ");
      }
      line.append(line.length() > 6 ? " " : "").append(word);
    }
    sb.append(line).append('\n');
  }
}
