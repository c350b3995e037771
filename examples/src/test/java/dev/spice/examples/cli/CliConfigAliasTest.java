package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Recipe;
import dev.spice.core.internal.json.Json;
import dev.spice.rewards.AdvantageEstimators;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** TRL and verl aliases of the config keys, and the recipe keys they set. */
class CliConfigAliasTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return SpiceCli.execute(args, new PrintWriter(out), new PrintWriter(err));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> printed() {
    return (Map<String, Object>) Json.parse(out.toString().trim());
  }

  /** alias, value given, canonical key, value printed by --print-config. */
  static Stream<Arguments> aliases() {
    return Stream.of(
        Arguments.of("output_dir", "runs/alias-out", "out", "runs/alias-out"),
        Arguments.of("max_steps", "12", "iterations", 12L),
        Arguments.of("save_steps", "7", "checkpoint_every", 7L),
        Arguments.of("num_generations", "6", "reasoner_group_size", 6L),
        Arguments.of("max_completion_length", "256", "reasoner_max_tokens", 256L),
        Arguments.of("max_grad_norm", "0.5", "grad_clip", 0.5),
        Arguments.of("beta", "0.04", "kl_beta", 0.04),
        Arguments.of("epsilon", "0.3", "clip_low", 0.3),
        Arguments.of("epsilon_high", "0.28", "clip_high", 0.28),
        Arguments.of("loss_type", "grpo", "loss_aggregation", "seq_mean"),
        Arguments.of("scale_rewards", "true", "advantage_estimator", "grpo"),
        Arguments.of("trainer.total_training_steps", "9", "iterations", 9L),
        Arguments.of("trainer.save_freq", "3", "checkpoint_every", 3L),
        Arguments.of("trainer.default_local_dir", "runs/verl-out", "out", "runs/verl-out"),
        Arguments.of("data.train_batch_size", "16", "batch_size", 16L),
        Arguments.of("data.max_response_length", "512", "reasoner_max_tokens", 512L),
        Arguments.of("actor_rollout_ref.rollout.n", "5", "reasoner_group_size", 5L),
        Arguments.of("actor_rollout_ref.rollout.temperature", "0.7", "temperature", 0.7),
        Arguments.of("actor_rollout_ref.rollout.top_p", "0.9", "top_p", 0.9),
        Arguments.of("actor_rollout_ref.actor.optim.lr", "2e-6", "learning_rate", 2e-6),
        Arguments.of("actor_rollout_ref.actor.grad_clip", "0.8", "grad_clip", 0.8),
        Arguments.of("actor_rollout_ref.actor.clip_ratio_low", "0.1", "clip_low", 0.1),
        Arguments.of("actor_rollout_ref.actor.clip_ratio_high", "0.28", "clip_high", 0.28),
        Arguments.of("actor_rollout_ref.actor.kl_loss_coef", "0.001", "kl_beta", 0.001),
        Arguments.of("actor_rollout_ref.actor.loss_agg_mode", "seq-mean-token-sum-norm", "loss_aggregation", "dr_grpo"),
        Arguments.of("algorithm.adv_estimator", "reinforce_plus_plus", "advantage_estimator", "reinforce_pp"),
        Arguments.of("lora_r", "4", "lora_rank", 4L),
        Arguments.of("vllm_server_base_url", "http://gpu-box:8000", "rollout_url", "http://gpu-box:8000"),
        Arguments.of("actor_rollout_ref.model.lora_rank", "8", "lora_rank", 8L),
        Arguments.of("actor_rollout_ref.model.lora_alpha", "12", "lora_alpha", 12.0),
        Arguments.of("actor_rollout_ref.model.target_modules", "v_proj,q_proj", "lora_target_modules",
            List.of("q_proj", "v_proj")));
  }

  /** The other keys an alias's key needs (LoRA keys need a rank, a rollout server LoRA and a model name). */
  private static final Map<String, List<String>> NEEDS = Map.of(
      "vllm_server_base_url", List.of("--set", "lora_rank=4", "--set", "rollout_model=base"),
      "actor_rollout_ref.model.lora_alpha", List.of("--set", "lora_rank=4"),
      "actor_rollout_ref.model.target_modules", List.of("--set", "lora_rank=4"));

  @ParameterizedTest(name = "{0} sets {2}")
  @MethodSource("aliases")
  void eachAliasSetsItsKey(String alias, String value, String key, Object expected) {
    assertEquals(key, ConfigAliases.get(alias).key());
    List<String> args = new java.util.ArrayList<>(List.of("--model", dir.toString(), "--set", alias + "=" + value,
        "--print-config"));
    args.addAll(NEEDS.getOrDefault(alias, List.of()));
    assertEquals(0, run(args.toArray(String[]::new)), err.toString());
    Map<String, Object> m = printed();
    assertEquals(expected, m.get(key), alias);
    assertTrue(!m.containsKey(alias), "aliases are saved under their key");
  }

  @Test
  void theTableCoversEveryAliasAndEachNamesAKey() {
    Set<String> tested = new HashSet<>();
    aliases().forEach(a -> tested.add((String) a.get()[0]));
    assertEquals(ConfigAliases.names(), tested);
    for (ConfigAliases.Alias a : ConfigAliases.ALL) {
      assertTrue(ConfigKeys.all().containsKey(a.key()), a.name() + " -> " + a.key());
      assertTrue(!ConfigKeys.all().containsKey(a.name()), a.name() + " is also a key");
    }
  }

  @Test
  void nestedVerlYamlIsRead() throws IOException {
    Path cfg = dir.resolve("verl.yaml");
    Files.writeString(cfg, "model: " + dir + "\nactor_rollout_ref:\n  rollout:\n    n: 4\n  actor:\n"
        + "    clip_ratio_high: 0.28\ntrainer:\n  total_training_steps: 20\n");
    assertEquals(0, run("--config", cfg.toString(), "--print-config"), err.toString());
    Map<String, Object> m = printed();
    assertEquals(4L, m.get("reasoner_group_size"));
    assertEquals(0.28, m.get("clip_high"));
    assertEquals(20L, m.get("iterations"));
  }

  @Test
  void aKeyAndItsAliasWithDifferentValuesNameBoth() throws IOException {
    assertEquals(2, run("--set", "iterations=5", "--set", "max_steps=6", "--print-config"));
    String e = err.toString();
    assertTrue(e.contains("'iterations'") && e.contains("'max_steps'") && e.contains("different values (5 and 6)"), e);

    err.getBuffer().setLength(0);
    Path cfg = dir.resolve("trl.yaml");
    Files.writeString(cfg, "model: " + dir + "\nloss_type: dapo\nloss_aggregation: seq_mean\n");
    assertEquals(2, run("--config", cfg.toString(), "--print-config"));
    e = err.toString();
    assertTrue(e.contains("trl.yaml") && e.contains("'loss_type'") && e.contains("'loss_aggregation'"), e);
  }

  @Test
  void aKeyAndItsAliasWithTheSameValueOrInDifferentLayersAreFine() throws IOException {
    assertEquals(0, run("--model", dir.toString(), "--set", "loss_type=bnpo", "--set", "loss_aggregation=token_mean",
        "--print-config"), err.toString());
    assertEquals("token_mean", printed().get("loss_aggregation"));
    out.getBuffer().setLength(0);
    Path cfg = dir.resolve("trl.yaml");
    Files.writeString(cfg, "max_steps: 100\n");
    assertEquals(0, run("--config", cfg.toString(), "--set", "iterations=30", "--print-config"), err.toString());
    assertEquals(30L, printed().get("iterations"), "--set wins over the file, as documented");
  }

  @ParameterizedTest(name = "loss_type={0} is {1}")
  @CsvSource({"dr_grpo, dr_grpo(3000)", "grpo, seq_mean", "bnpo, token_mean", "dapo, token_mean",
      "DAPO, token_mean"})
  void lossTypeValuesMapToLossAggregations(String value, String sdkName) {
    CliConfig c = new CliConfig();
    c.set("loss_type", value, "--set loss_type");
    assertEquals(sdkName, RecipeKeys.recipe(c).loss().aggregation().name());
  }

  @ParameterizedTest(name = "scale_rewards={0} is {1}")
  @CsvSource({"true, grpo", "false, dr_grpo", "group, grpo", "none, dr_grpo"})
  void scaleRewardsValuesMapToAdvantageEstimators(String value, String sdkName) {
    CliConfig c = new CliConfig();
    c.set("scale_rewards", value, "--set scale_rewards");
    Recipe r = RecipeKeys.recipe(c);
    assertEquals(sdkName, r.reasonerAdvantage().name());
    assertEquals(sdkName, r.challengerAdvantage().name());
  }

  @Test
  void aBadAliasValueNamesAliasKeyAndValidValues() {
    assertEquals(2, run("--model", dir.toString(), "--set", "loss_type=sapo", "--print-config"));
    String e = err.toString();
    assertTrue(e.contains("'loss_type' (alias of 'loss_aggregation') has the invalid value 'sapo'; valid: dr_grpo, "
        + "grpo, bnpo, dapo"), e);
  }

  @Test
  void recipeKeysAreWiredIntoTheRecipe() {
    CliConfig c = new CliConfig();
    c.set("recipe", "r-zero", "test");
    c.set("advantage_estimator", "rloo", "test");
    c.set("loss_aggregation", "token_mean", "test");
    c.set("clip_low", "0.1", "test");
    c.set("kl_beta", "0.02", "test");
    Recipe r = RecipeKeys.recipe(c);
    assertEquals("r-zero", r.name());
    assertEquals("rloo", r.reasonerAdvantage().name());
    assertEquals("token_mean", r.loss().aggregation().name());
    assertEquals(0.1, r.loss().clipLow());
    assertEquals(0.1, r.loss().clipHigh(), "clip_high follows clip_low, as TRL's epsilon_high follows epsilon");
    assertEquals(0.02, r.loss().klBeta());
    c.set("clip_high", "0.28", "test");
    assertEquals(0.28, RecipeKeys.recipe(c).loss().clipHigh());
  }

  @Test
  void everyAdvantageEstimatorChoiceIsKnownToTheSdk() {
    for (String n : ConfigKeys.ADVANTAGE_ESTIMATORS) {
      assertEquals(n, AdvantageEstimators.byName(n).name());
    }
    for (String n : ConfigKeys.LOSS_AGGREGATIONS) {
      assertTrue(RecipeKeys.aggregation(n).name().startsWith(n), n);
    }
  }

  @Test
  void aModelOnlyAliasInTheQuickstartNamesTheAliasAndItsKey() {
    assertEquals(2, run("--set", "num_generations=8", "--print-config"));
    String e = err.toString();
    assertTrue(e.contains("only the --model run") && e.contains("'num_generations' (alias of 'reasoner_group_size'"),
        e);
  }

  @Test
  void unknownKeysStillFailNamingValidKeysAndAliases() {
    assertEquals(2, run("--set", "max_step=3", "--print-config"));
    String e = err.toString();
    assertTrue(e.contains("unknown key 'max_step' (did you mean 'max_steps'?)") && e.contains("valid keys: ")
        && e.contains("iterations") && e.contains("aliases (TRL, verl): ") && e.contains("num_generations"), e);
  }

  @Test
  void helpListsAliasesWithRangesAndDefaults() {
    assertEquals(0, run("--help"));
    String h = out.toString();
    assertTrue(h.contains("aliases: max_steps (TRL); trainer.total_training_steps (verl)"), h);
    assertTrue(h.contains("clip_low  [--model]  number in [0, 1]; default recipe's (spice: 0.2)"), h);
    assertTrue(h.contains("loss_type (TRL: dr_grpo, grpo = seq_mean, bnpo = token_mean, dapo = token_mean)"), h);
    for (String line : h.split("\n")) {
      assertTrue(line.length() < 112, line);
    }
    for (ConfigAliases.Alias a : ConfigAliases.ALL) {
      assertTrue(h.contains(a.name()), a.name());
    }
    assertTrue(List.of(h.split("\n")).stream().anyMatch(l -> l.contains("num_generations")));
  }
}
