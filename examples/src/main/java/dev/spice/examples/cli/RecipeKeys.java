package dev.spice.examples.cli;

import dev.spice.core.LossAggregation;
import dev.spice.core.Recipe;
import dev.spice.core.SpiceException;
import dev.spice.rewards.AdvantageEstimators;
import dev.spice.rewards.LossAggregations;
import dev.spice.rewards.Presets;

/**
 * The recipe of the {@code --model} run: the {@code recipe} preset with the keys that override its
 * settings ({@code challenger_group_size}, {@code reasoner_group_size}, {@code clip_low},
 * {@code clip_high}, {@code kl_beta}, {@code advantage_estimator}, {@code loss_aggregation}),
 * applied through {@link Presets#builder(Recipe)}.
 */
final class RecipeKeys {
  private RecipeKeys() {}

  /**
   * The recipe of the config. {@code clip_high} defaults to {@code clip_low} when only that is set
   * (as TRL's {@code epsilon_high} defaults to {@code epsilon}); {@code advantage_estimator} sets
   * both roles.
   *
   * @throws SpiceException.ConfigurationException naming the first invalid setting
   */
  static Recipe recipe(CliConfig c) {
    Recipe base = Presets.byName(c.get("recipe", "spice"));
    Presets.Builder b = Presets.builder(base);
    if (c.has("challenger_group_size")) {
      b.challengerGroupSize((Integer) c.get("challenger_group_size"));
    }
    if (c.has("reasoner_group_size")) {
      b.reasonerGroupSize((Integer) c.get("reasoner_group_size"));
    }
    double low = c.get("clip_low", base.loss().clipLow());
    double high = c.get("clip_high", c.has("clip_low") ? low : base.loss().clipHigh());
    b.clip(low, high);
    b.klBeta(c.get("kl_beta", base.loss().klBeta()));
    if (c.has("advantage_estimator")) {
      b.advantage(AdvantageEstimators.byName((String) c.get("advantage_estimator")));
    }
    if (c.has("loss_aggregation")) {
      b.aggregation(aggregation((String) c.get("loss_aggregation")));
    }
    return b.build();
  }

  /**
   * The loss aggregation of a {@code loss_aggregation} value: {@code dr_grpo} (L_norm 3000, the
   * paper's), {@code seq_mean} or {@code token_mean}.
   *
   * @throws SpiceException.ConfigurationException for another name, listing the valid ones
   */
  static LossAggregation aggregation(String name) {
    return switch (name) {
      case "dr_grpo" -> LossAggregations.drGrpo();
      case "seq_mean" -> LossAggregations.sequenceMean();
      case "token_mean" -> LossAggregations.tokenMean();
      default -> throw new SpiceException.ConfigurationException("unknown loss aggregation '" + name
          + "'; valid: " + String.join(", ", ConfigKeys.LOSS_AGGREGATIONS));
    };
  }

  /** The {@code loss_aggregation} value of a recipe's aggregation ({@code dr_grpo(3000)} is {@code dr_grpo}). */
  static String aggregationName(Recipe r) {
    String n = r.loss().aggregation().name();
    int paren = n.indexOf('(');
    return paren < 0 ? n : n.substring(0, paren);
  }

  /**
   * The effective value of a recipe key, or null for a key that is not a recipe setting.
   *
   * @param r the recipe of the config ({@link #recipe(CliConfig)})
   */
  static Object value(String key, Recipe r) {
    return switch (key) {
      case "recipe" -> r.name();
      case "challenger_group_size" -> r.challengerGroupSize();
      case "reasoner_group_size" -> r.reasonerGroupSize();
      case "max_challenger_attempts" -> 2 * r.challengerGroupSize();
      case "clip_low" -> r.loss().clipLow();
      case "clip_high" -> r.loss().clipHigh();
      case "kl_beta" -> r.loss().klBeta();
      case "advantage_estimator" -> r.reasonerAdvantage().name();
      case "loss_aggregation" -> aggregationName(r);
      default -> null;
    };
  }
}
