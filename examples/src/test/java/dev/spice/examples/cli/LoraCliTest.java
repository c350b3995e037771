package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.internal.json.Json;
import dev.spice.djl.LoraSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spice train} with LoRA keys: a rank-4 run writes the PEFT adapter and the merged model,
 * a second run starts from that adapter, the derived defaults show in {@code --print-config}, and
 * every invalid combination of the LoRA and server keys exits 2 naming the key.
 */
class LoraCliTest {
  @TempDir Path dir;

  @Test
  void loraRunWritesTheAdapterAndTheMergedModelAndASecondRunStartsFromIt() throws Exception {
    Path model = CliRig.tinyModel(dir.resolve("model"));
    Path corpus = CliRig.corpus(dir);
    Path out = dir.resolve("run");
    CliRig.Result r = CliRig.spice(CliRig.train(model, corpus, out, 2, "lora_rank=4", "lora_target_modules=v_proj,q_proj",
        "lora_seed=5"));
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("LoRA rank 4"), r.out());
    Path adapter = out.resolve("final-adapter");
    @SuppressWarnings("unchecked")
    Map<String, Object> cfg = (Map<String, Object>) Json.parse(Files.readString(adapter.resolve("adapter_config.json")));
    assertEquals(4L, ((Number) cfg.get("r")).longValue(), cfg.toString());
    assertEquals(8.0, ((Number) cfg.get("lora_alpha")).doubleValue(), cfg.toString());
    assertEquals(List.of("q_proj", "v_proj"), new ArrayList<>((List<?>) cfg.get("target_modules")).stream().sorted()
        .toList(), cfg.toString());
    assertTrue(Files.isRegularFile(adapter.resolve("adapter_model.safetensors")));
    assertTrue(Files.isRegularFile(out.resolve("final-model").resolve("config.json")));
    assertTrue(Files.isRegularFile(out.resolve("final-model").resolve("model.safetensors")));
    assertEquals(2, Files.readAllLines(out.resolve("metrics.jsonl")).size());
    Map<?, ?> saved = (Map<?, ?>) Json.parse(Files.readString(out.resolve(SpiceCli.SAVED_CONFIG)));
    assertEquals(4L, saved.get("lora_rank"));
    assertEquals(8.0, saved.get("lora_alpha"));
    assertEquals(List.of("q_proj", "v_proj"), saved.get("lora_target_modules"));

    // a LoRA key cannot change on resume
    CliRig.Result refused = CliRig.spice(List.of("train", "--resume", out.toString(), "--iterations", "3", "--set",
        "lora_rank=8"));
    assertEquals(2, refused.code(), refused.toString());
    assertTrue(refused.err().contains("'lora_rank' is 4 in the run, 8"), refused.err());

    // a new run from the saved adapter: LoRA on with the adapter's settings
    Path out2 = dir.resolve("run2");
    CliRig.Result again = CliRig.spice(CliRig.train(model, corpus, out2, 1, "lora_adapter=" + adapter));
    assertEquals(0, again.code(), again.toString());
    assertTrue(again.out().contains("LoRA rank 4"), again.out());
    assertTrue(Files.isRegularFile(out2.resolve("final-adapter").resolve("adapter_config.json")));
  }

  @Test
  void printConfigShowsTheDerivedDefaultsAndAcceptsTheAliases() throws Exception {
    Path model = Files.createDirectories(dir.resolve("m"));
    Path out = dir.resolve("o");
    Map<?, ?> plain = printConfig(model, out);
    assertEquals(0L, plain.get("lora_rank"));
    assertEquals(0.0, plain.get("lora_alpha"));
    assertEquals(LoraSettings.MODULES, plain.get("lora_target_modules"));
    assertEquals("", plain.get("lora_adapter"));
    assertEquals(0L, plain.get("lora_seed"));
    assertEquals("float32", plain.get("base_dtype"));
    assertEquals("", plain.get("rollout_url"));
    assertEquals(1L, plain.get("sync_every"));
    assertEquals(0L, plain.get("max_staleness"));
    assertEquals(8L, plain.get("rollout_concurrency"));
    assertEquals("", plain.get("adapter_root"), "empty: <out>/adapters");
    Map<?, ?> lora = printConfig(model, out, "lora_r=16", "lora_target_modules=all-linear", "base_dtype=float16");
    assertEquals(16L, lora.get("lora_rank"));
    assertEquals(32.0, lora.get("lora_alpha"));
    assertEquals(LoraSettings.MODULES, lora.get("lora_target_modules"));
    assertEquals("float16", lora.get("base_dtype"));
    Map<?, ?> verl = printConfig(model, out, "actor_rollout_ref.model.lora_rank=2",
        "actor_rollout_ref.model.lora_alpha=5", "actor_rollout_ref.model.target_modules=down_proj,q_proj",
        "vllm_server_base_url=http://gpu-box:8000", "rollout_model=Qwen/Qwen3-0.6B", "sync_every=3");
    assertEquals(2L, verl.get("lora_rank"));
    assertEquals(5.0, verl.get("lora_alpha"));
    assertEquals(List.of("q_proj", "down_proj"), verl.get("lora_target_modules"));
    assertEquals("http://gpu-box:8000", verl.get("rollout_url"));
    assertEquals(2L, verl.get("max_staleness"), "default sync_every - 1");
  }

  @Test
  void invalidCombinationsExitTwoNamingTheKey() throws Exception {
    Path model = Files.createDirectories(dir.resolve("m"));
    Path notAdapter = Files.createDirectories(dir.resolve("empty"));
    String url = "rollout_url=http://localhost:8000";
    String served = "rollout_model=base";
    refused(model, List.of(url, served), "key 'rollout_url' (from --set rollout_url) is http://localhost:8000, "
        + "hybrid training, which needs LoRA");
    refused(model, List.of("lora_rank=4", url), "rollout_model is not set");
    refused(model, List.of("lora_rank=4", "rollout_url=ftp://host", served),
        "key 'rollout_url' (from --set rollout_url) has the invalid value 'ftp://host' (the scheme must be http or https)");
    refused(model, List.of("lora_rank=4", "rollout_url=http://host:8000/v1", served), "without /v1");
    refused(model, List.of("lora_rank=4", url, served, "challenger_url=http://other:8000", "challenger_model=big"),
        "keys 'rollout_url' (from --set rollout_url) and 'challenger_url' (from --set challenger_url) are exclusive");
    refused(model, List.of("challenger_url=http://other:8000"), "challenger_model is not set");
    refused(model, List.of("challenger_model=big"), "key 'challenger_model' (from --set challenger_model) is 'big' but "
        + "challenger_url is empty");
    refused(model, List.of(served), "key 'rollout_model' (from --set rollout_model) is 'base' but rollout_url is empty");
    refused(model, List.of("base_dtype=float16"), "key 'base_dtype' (from --set base_dtype) is float16, which applies "
        + "only to a LoRA policy's frozen base");
    refused(model, List.of("lora_alpha=16"), "key 'lora_alpha' (from --set lora_alpha) applies only with LoRA");
    refused(model, List.of("lora_seed=3"), "key 'lora_seed' (from --set lora_seed) applies only with LoRA");
    refused(model, List.of("lora_target_modules=q_proj"), "key 'lora_target_modules' (from --set lora_target_modules) "
        + "applies only with LoRA");
    refused(model, List.of("lora_rank=4", "lora_alpha=0"), "key 'lora_alpha' (from --set lora_alpha) is 0.0; valid: a "
        + "number > 0");
    refused(model, List.of("lora_rank=4", "lora_target_modules=q_proj,qkv"), "has unknown module(s) [qkv]; valid: a "
        + "comma list of q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, or all-linear");
    refused(model, List.of("lora_adapter=" + notAdapter), "a folder without adapter_config.json");
    refused(model, List.of("lora_adapter=" + dir.resolve("missing")), "which is not a folder");
    Files.writeString(notAdapter.resolve("adapter_config.json"), "{}");
    refused(model, List.of("lora_adapter=" + notAdapter, "lora_rank=4"), "key 'lora_rank' (from --set lora_rank) is "
        + "set with lora_adapter");
    refused(model, List.of("sync_every=2"), "key 'sync_every' (from --set sync_every) is 2 but rollout_url is empty");
    refused(model, List.of("max_staleness=1"), "key 'max_staleness' (from --set max_staleness) is 1 but rollout_url is "
        + "empty");
    refused(model, List.of("adapter_root=/tmp/a"), "key 'adapter_root' (from --set adapter_root) applies only with "
        + "rollout_url");
    refused(model, List.of("rollout_concurrency=4"), "key 'rollout_concurrency' (from --set rollout_concurrency) "
        + "applies only with rollout_url or challenger_url");
    refused(model, List.of("rollout_batch_prompts=true"), "key 'rollout_batch_prompts' (from --set "
        + "rollout_batch_prompts) is true but applies only with rollout_url or challenger_url");
    refused(model, List.of("lora_rank=4", url, served, "sync_every=3", "max_staleness=1"), "key 'max_staleness' (from "
        + "--set max_staleness) is 1, but sync_every 3 trains on rollouts up to 2 versions old; valid: max_staleness >= 2");
    refused(model, List.of("lora_rank=4", url, served, "rollout_concurrency=0"), "key 'rollout_concurrency' has the "
        + "invalid value '0'; valid: integer >= 1");
    refused(model, List.of("lora_rank=-1"), "key 'lora_rank' has the invalid value '-1'; valid: integer >= 0");
    refused(model, List.of("base_dtype=bfloat16"), "key 'base_dtype' has the invalid value 'bfloat16'; valid: one of "
        + "float32, float16");
  }

  private Map<?, ?> printConfig(Path model, Path out, String... sets) {
    List<String> a = new ArrayList<>(List.of("train", "--model", model.toString(), "--out", out.toString(),
        "--print-config"));
    for (String s : sets) {
      a.add("--set");
      a.add(s);
    }
    CliRig.Result r = CliRig.spice(a);
    assertEquals(0, r.code(), r.toString());
    return (Map<?, ?>) Json.parse(r.out().strip());
  }

  private void refused(Path model, List<String> sets, String message) {
    List<String> a = new ArrayList<>(List.of("train", "--model", model.toString(), "--out",
        dir.resolve("never").toString(), "--print-config"));
    for (String s : sets) {
      a.add("--set");
      a.add(s);
    }
    CliRig.Result r = CliRig.spice(a);
    assertEquals(2, r.code(), sets + ": " + r);
    assertTrue(r.err().contains(message), sets + ": " + r.err());
    assertTrue(Files.notExists(dir.resolve("never")), "nothing written");
  }
}
