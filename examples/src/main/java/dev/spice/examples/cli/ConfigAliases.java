package dev.spice.examples.cli;

import dev.spice.core.SpiceException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Names that TRL ({@code GRPOConfig}) and verl (its dotted YAML paths) users know, each an alias of
 * exactly one canonical config key. An alias is accepted wherever a key is ({@code --set},
 * {@code --config} files, saved configs); the value is stored under the canonical key. Some
 * aliases translate their values (TRL's {@code loss_type=grpo} is the SDK's {@code seq_mean}).
 */
final class ConfigAliases {
  private ConfigAliases() {}

  /**
   * One alias.
   *
   * @param name the alias, e.g. {@code max_steps}
   * @param key the canonical key it sets
   * @param source where the name comes from: {@code TRL} or {@code verl}
   * @param values value translations (alias value to canonical value), in order; empty: values
   *     pass through unchanged
   */
  record Alias(String name, String key, String source, Map<String, String> values) {
    /**
     * The canonical value of a value given under this alias.
     *
     * @throws SpiceException.ConfigurationException naming the alias, its key and its valid values
     */
    String translate(String text, String where) {
      if (values.isEmpty()) {
        return text;
      }
      String v = values.get(text.trim().toLowerCase(Locale.ROOT));
      if (v == null) {
        throw new SpiceException.ConfigurationException(where + ": key '" + name + "' (alias of '" + key
            + "') has the invalid value '" + text + "'; valid: " + String.join(", ", values.keySet()));
      }
      return v;
    }

    /** A short description for --help and the README, e.g. "loss_type (TRL: grpo = seq_mean, ...)". */
    String describe() {
      if (values.isEmpty()) {
        return name + " (" + source + ")";
      }
      List<String> pairs = new ArrayList<>();
      values.forEach((a, c) -> pairs.add(a.equals(c) ? a : a + " = " + c));
      return name + " (" + source + ": " + String.join(", ", pairs) + ")";
    }
  }

  /** Every alias, in the order --help lists them. */
  static final List<Alias> ALL = List.of(
      plain("output_dir", "out", "TRL"),
      plain("max_steps", "iterations", "TRL"),
      plain("save_steps", "checkpoint_every", "TRL"),
      plain("num_generations", "reasoner_group_size", "TRL"),
      plain("max_completion_length", "reasoner_max_tokens", "TRL"),
      plain("max_grad_norm", "grad_clip", "TRL"),
      plain("beta", "kl_beta", "TRL"),
      plain("epsilon", "clip_low", "TRL"),
      plain("epsilon_high", "clip_high", "TRL"),
      mapped("loss_type", "loss_aggregation", "TRL",
          "dr_grpo", "dr_grpo", "grpo", "seq_mean", "bnpo", "token_mean", "dapo", "token_mean"),
      mapped("scale_rewards", "advantage_estimator", "TRL",
          "true", "grpo", "group", "grpo", "false", "dr_grpo", "none", "dr_grpo"),
      plain("lora_r", "lora_rank", "TRL"),
      plain("vllm_server_base_url", "rollout_url", "TRL"),
      plain("trainer.total_training_steps", "iterations", "verl"),
      plain("trainer.save_freq", "checkpoint_every", "verl"),
      plain("trainer.default_local_dir", "out", "verl"),
      plain("data.train_batch_size", "batch_size", "verl"),
      plain("data.max_response_length", "reasoner_max_tokens", "verl"),
      plain("actor_rollout_ref.rollout.n", "reasoner_group_size", "verl"),
      plain("actor_rollout_ref.rollout.temperature", "temperature", "verl"),
      plain("actor_rollout_ref.rollout.top_p", "top_p", "verl"),
      plain("actor_rollout_ref.actor.optim.lr", "learning_rate", "verl"),
      plain("actor_rollout_ref.actor.grad_clip", "grad_clip", "verl"),
      plain("actor_rollout_ref.actor.clip_ratio_low", "clip_low", "verl"),
      plain("actor_rollout_ref.actor.clip_ratio_high", "clip_high", "verl"),
      plain("actor_rollout_ref.actor.kl_loss_coef", "kl_beta", "verl"),
      plain("actor_rollout_ref.model.lora_rank", "lora_rank", "verl"),
      plain("actor_rollout_ref.model.lora_alpha", "lora_alpha", "verl"),
      plain("actor_rollout_ref.model.target_modules", "lora_target_modules", "verl"),
      mapped("actor_rollout_ref.actor.loss_agg_mode", "loss_aggregation", "verl",
          "token-mean", "token_mean", "seq-mean-token-mean", "seq_mean", "seq-mean-token-sum-norm", "dr_grpo"),
      mapped("algorithm.adv_estimator", "advantage_estimator", "verl",
          "grpo", "grpo", "rloo", "rloo", "reinforce_plus_plus", "reinforce_pp"));

  private static final Map<String, Alias> BY_NAME;

  static {
    Map<String, Alias> m = new LinkedHashMap<>();
    for (Alias a : ALL) {
      m.put(a.name(), a);
    }
    BY_NAME = Collections.unmodifiableMap(m);
  }

  /** The alias with this name, or null. */
  static Alias get(String name) {
    return BY_NAME.get(name);
  }

  /** Every alias name. */
  static java.util.Set<String> names() {
    return BY_NAME.keySet();
  }

  /** The aliases of a canonical key, in listing order. */
  static List<Alias> of(String key) {
    return ALL.stream().filter(a -> a.key().equals(key)).toList();
  }

  private static Alias plain(String name, String key, String source) {
    return new Alias(name, key, source, Map.of());
  }

  private static Alias mapped(String name, String key, String source, String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return new Alias(name, key, source, Collections.unmodifiableMap(m));
  }
}
