package dev.spice.remote;

import static dev.spice.remote.FakeServer.Reply.ok;
import static dev.spice.remote.FakeServer.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.internal.json.Json;
import dev.spice.core.text.PromptTemplate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Replies recorded in vLLM's and SGLang's documented shapes (see src/test/resources/dev/spice/remote/README.md). */
class RemotePolicyReplayTest {
  private final FakeServer server = new FakeServer();

  @AfterEach
  void stop() {
    server.close();
  }

  private RemotePolicy policy() {
    return RemotePolicy.builder().baseUrl(server.uri()).model(FakeServer.MODEL).apiKey("sk-test")
        .template(PromptTemplate.RAW).build();
  }

  private static final Prompt PROMPT = Prompt.of(Role.CHALLENGER, "What is 2");

  @Test
  void readsAVllmCompletionWithTokenIdsAndLogProbs() {
    server.enqueue("/tokenize", ok(resource("tokenize_prompt.json")));
    server.enqueue("/v1/completions", ok(resource("completion_vllm.json")));
    try (RemotePolicy p = policy()) {
      Completion c = p.generate(List.of(PROMPT), new SamplingParams(0.8, 0.9, 0, 3, List.of(), 5)).get(0);
      assertEquals("4 +", c.text());
      assertArrayEquals(new int[] {3838, 374, 220, 17}, c.promptTokens());
      assertArrayEquals(new int[] {19, 488, 151643}, c.tokens());
      assertArrayEquals(new float[] {-0.25f, -1.5f, 0f}, c.logProbs());
      assertEquals(Completion.FinishReason.LENGTH, c.finishReason());
      assertEquals(new RemoteStats(4, 0, 1, 0), p.stats());
    }
  }

  @Test
  void sendsTokenIdsAndTheSamplingSettingsAsVllmNamesThem() {
    server.enqueue("/tokenize", ok(resource("tokenize_prompt.json")));
    server.enqueue("/v1/completions", ok(resource("completion_sglang.json")));
    server.enqueue("/tokenize", ok("{\"count\":2,\"max_model_len\":4096,\"tokens\":[19,488]}"));
    try (RemotePolicy p = policy()) {
      p.generate(List.of(PROMPT), new SamplingParams(0.7, 0.95, 20, 8, List.of("+"), 11));
    }
    Map<String, Object> tok = Json.parseObject(server.received("/tokenize").get(0).body());
    assertEquals(Map.of("model", FakeServer.MODEL, "prompt", "What is 2", "add_special_tokens", false), tok);
    FakeServer.Request sent = server.received("/v1/completions").get(0);
    assertEquals("Bearer sk-test", sent.authorization());
    Map<String, Object> q = Json.parseObject(sent.body());
    assertEquals(FakeServer.MODEL, q.get("model"));
    assertEquals(List.of(3838L, 374L, 220L, 17L), q.get("prompt"));
    assertEquals(1L, q.get("n"));
    assertEquals(8L, q.get("max_tokens"));
    assertEquals(0.7, q.get("temperature"));
    assertEquals(0.95, q.get("top_p"));
    assertEquals(20L, q.get("top_k"));
    assertEquals(WireRequests.rowSeed(11, 0), q.get("seed"));
    assertTrue(WireRequests.rowSeed(11, 0) >= 0 && WireRequests.rowSeed(11, 0) != WireRequests.rowSeed(11, 1));
    assertEquals(List.of("+"), q.get("stop"));
    assertEquals(true, q.get("include_stop_str_in_output"));
    assertEquals(0L, q.get("logprobs"));
    assertEquals(true, q.get("return_token_ids"));
    assertFalse(q.containsKey("allowed_token_ids"));
    assertFalse(q.containsKey("echo"));
  }

  @Test
  void topKZeroIsLeftOutAndRowsGetTheirOwnSeeds() {
    server.enqueue("/tokenize", ok(resource("tokenize_prompt.json")), ok(resource("tokenize_prompt.json")));
    server.enqueue("/v1/completions", ok(resource("completion_vllm.json")), ok(resource("completion_vllm.json")));
    // two identical prompts: one request per row only with collapsing off
    try (RemotePolicy p = RemotePolicy.builder().baseUrl(server.uri()).model(FakeServer.MODEL).apiKey("sk-test")
        .template(PromptTemplate.RAW).collapseIdenticalPrompts(false).build()) {
      assertEquals(2, p.generate(List.of(PROMPT, PROMPT), SamplingParams.defaults(3).withSeed(9)).size());
    }
    List<Object> seeds = server.received("/v1/completions").stream()
        .map(r -> Json.parseObject(r.body()).get("seed")).sorted().toList();
    List<Object> expected = List.of(WireRequests.rowSeed(9, 0), WireRequests.rowSeed(9, 1)).stream()
        .map(Object.class::cast).sorted().toList();
    assertEquals(expected, seeds);
    assertNull(Json.parseObject(server.received("/v1/completions").get(0).body()).get("top_k"));
  }

  @Test
  void anSglangReplyWithoutTokenIdsIsRetokenizedAndCounted() {
    server.enqueue("/tokenize", ok(resource("tokenize_prompt.json")));
    server.enqueue("/v1/completions", ok(resource("completion_sglang.json")));
    server.enqueue("/tokenize", ok("{\"count\":2,\"max_model_len\":4096,\"tokens\":[19,488]}"));
    try (RemotePolicy p = policy()) {
      Completion c = p.generate(List.of(PROMPT), SamplingParams.defaults(8)).get(0);
      assertArrayEquals(new int[] {19, 488}, c.tokens());
      assertEquals(Completion.FinishReason.STOP, c.finishReason());
      assertEquals(1, p.stats().tokenIdFallbacks());
    }
    assertEquals("4 +", Json.parseObject(server.received("/tokenize").get(1).body()).get("prompt"));
  }

  @Test
  void tokenIdStringsInLogProbsAreReadWithoutRetokenizing() {
    server.enqueue("/tokenize", ok(resource("tokenize_prompt.json")));
    server.enqueue("/v1/completions", ok(resource("completion_token_id_strings.json")));
    try (RemotePolicy p = policy()) {
      Completion c = p.generate(List.of(PROMPT), SamplingParams.defaults(8)).get(0);
      assertArrayEquals(new int[] {19, 488}, c.tokens());
      assertEquals(1, p.stats().tokenIdFallbacks());
    }
    assertEquals(1, server.received("/tokenize").size());
  }

  @Test
  void scoresAContinuationFromTheEchoedPromptLogProbs() {
    server.enqueue("/tokenize", ok(resource("tokenize_prompt.json")));
    server.enqueue("/v1/completions", ok(resource("echo_scoring_vllm.json")));
    try (RemotePolicy p = policy()) {
      float[] s = p.scoreContinuations(List.of(PROMPT), List.of(new int[] {19, 488})).get(0);
      assertArrayEquals(new float[] {-0.25f, -1.5f}, s);
    }
    Map<String, Object> q = Json.parseObject(server.received("/v1/completions").get(0).body());
    assertEquals(List.of(3838L, 374L, 220L, 17L, 19L, 488L), q.get("prompt"));
    assertEquals(true, q.get("echo"));
    assertEquals(0L, q.get("max_tokens"));
    assertEquals(0L, q.get("logprobs"));
  }

  @Test
  void anEmptyContinuationNeedsNoRequest() {
    try (RemotePolicy p = policy()) {
      assertEquals(0, p.scoreContinuations(List.of(PROMPT), List.of(new int[0])).get(0).length);
    }
    assertTrue(server.received("/v1/completions").isEmpty());
  }

  @Test
  void detokenizesWithVllmsAndSglangsReplyShapes() {
    server.enqueue("/detokenize", ok(resource("detokenize.json")), ok(resource("detokenize_sglang.json")));
    try (RemotePolicy p = policy()) {
      assertEquals("What is 2", p.detokenize(new int[] {3838, 374, 220, 17}));
      assertEquals("What is 2", p.detokenize(new int[] {3838, 374, 220, 17}));
    }
    assertEquals(Map.of("model", FakeServer.MODEL, "tokens", List.of(3838L, 374L, 220L, 17L)),
        Json.parseObject(server.received("/detokenize").get(0).body()));
  }

  @Test
  void aLocalTokenizerReplacesTheServersAndConstrainedPromptsSendAllowedIds() {
    server.enqueue("/v1/completions", ok(resource("completion_token_id_strings.json")));
    Map<String, int[]> vocab = Map.of("What is 2", new int[] {3838, 374, 220, 17}, "4", new int[] {19},
        " +", new int[] {488}, "<|im_end|>", new int[] {151645});
    try (RemotePolicy p = RemotePolicy.builder().baseUrl(server.uri()).model(FakeServer.MODEL)
        .template(PromptTemplate.RAW).tokenizer(vocab::get, ids -> "unused").stopTokens("<|im_end|>")
        .maskedLogProbs(true).vocabularySize(151936).build()) {
      Completion c = p.generate(List.of(new Prompt(Role.REASONER, "What is 2", List.of(" +", "4"))),
          SamplingParams.defaults(4)).get(0);
      assertArrayEquals(new int[] {19, 488}, c.tokens());
    }
    assertTrue(server.received("/tokenize").isEmpty());
    Map<String, Object> q = Json.parseObject(server.received("/v1/completions").get(0).body());
    assertEquals(List.of(19L, 488L, 151645L), q.get("allowed_token_ids"));
    assertEquals(List.of(151645L), q.get("stop_token_ids"));
  }
}
