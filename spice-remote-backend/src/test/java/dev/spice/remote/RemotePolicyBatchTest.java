package dev.spice.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.internal.sampling.TokenSampler;
import dev.spice.core.text.PromptTemplate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Batched mode: consecutive runs of the same length and allowed tokens go out as one request with
 * {@code prompt} = a list of token-id lists and that {@code n}, split at {@code maxPromptsPerRequest}
 * and {@code maxSamplesPerRequest}, seeded {@code TokenSampler.seedForRowOffset(seed, firstRow)};
 * the choices are matched to rows by index, and a reply whose indices do not cover the rows once
 * each fails.
 */
class RemotePolicyBatchTest {
  private static final SamplingParams PARAMS = SamplingParams.defaults(8).withSeed(77);
  private static final Prompt A = Prompt.of(Role.REASONER, "aab");
  private static final Prompt B = Prompt.of(Role.REASONER, "cde");
  private static final Prompt C = Prompt.of(Role.REASONER, "eea");
  private static final Prompt D = Prompt.of(Role.REASONER, "bd");
  private static final Prompt E = Prompt.of(Role.REASONER, "c");

  private final CharModel model = new CharModel(null);
  private final FakeServer server = model.install(new FakeServer());

  @AfterEach
  void stop() {
    server.close();
  }

  private RemotePolicyBuilder builder() {
    return RemotePolicy.builder().baseUrl(server.uri()).model(FakeServer.MODEL).template(PromptTemplate.RAW)
        .retries(1, Duration.ZERO, Duration.ZERO).batchPrompts(true);
  }

  /** What CharModel samples for an n = 1 request of {@code text} with wire seed {@code seed}. */
  private int[] sampled(String text, long seed) {
    return model.sampleOnce(text, seed, PARAMS.maxNewTokens());
  }


  /** The completion requests received, sorted by seed (they arrive concurrently). */
  private List<Map<String, Object>> sent() {
    List<Map<String, Object>> out = server.bodies("/v1/completions");
    out.sort(Comparator.comparing(q -> (Long) q.get("seed")));
    return out;
  }


  /** A request's prompts as texts. */
  private static List<String> texts(Map<String, Object> q) {
    List<String> out = new ArrayList<>();
    for (Object ids : (List<?>) q.get("prompt")) {
      out.add(CharModel.decode(CharModel.ints(ids)));
    }
    return out;
  }

  private static List<Map<String, Object>> sortedBySeed(List<Map<String, Object>> l) {
    List<Map<String, Object>> out = new ArrayList<>(l);
    out.sort(Comparator.comparing(q -> (Long) q.get("seed")));
    return out;
  }

  @Test
  void batchingOnSpiceServeFollowsTheServersOwner() {
    try (RemotePolicy vllm = RemotePolicy.builder().baseUrl(server.uri()).model(FakeServer.MODEL)
        .batchPromptsOnSpiceServe().build()) {
      assertFalse(vllm.batchesPrompts(), "models.json says owned_by vllm");
    }
    String spice = "{\"object\":\"list\",\"data\":[{\"id\":\"" + FakeServer.MODEL + "\",\"object\":\"model\","
        + "\"owned_by\":\"spice\"}]}";
    server.handle("/v1/models", r -> FakeServer.Reply.ok(spice));
    try (RemotePolicy served = RemotePolicy.builder().baseUrl(server.uri()).model(FakeServer.MODEL)
        .batchPromptsOnSpiceServe().build()) {
      assertTrue(served.batchesPrompts(), "owned_by spice: spice serve");
    }
    try (RemotePolicy off = RemotePolicy.builder().baseUrl(server.uri()).model(FakeServer.MODEL)
        .batchPromptsOnSpiceServe().batchPrompts(false).build()) {
      assertFalse(off.batchesPrompts(), "an explicit setting wins");
    }
  }

  @Test
  void distinctPromptsGoOutAsOneRequestWithAPromptListAndTheBatchSeed() {
    List<Prompt> prompts = List.of(A, B, C);
    try (RemotePolicy p = builder().build()) {
      List<Completion> out = p.generate(prompts, PARAMS);
      assertEquals(3, out.size());
      for (int i = 0; i < 3; i++) {
        String text = prompts.get(i).text();
        assertArrayEquals(text.codePoints().toArray(), out.get(i).promptTokens(), "row " + i);
        // vLLM's way: every prompt of the request is sampled with the request's one seed
        assertArrayEquals(sampled(text, 77), out.get(i).tokens(), "row " + i);
      }
      assertEquals(3, p.stats().completions());
    }
    List<Map<String, Object>> sent = sent();
    assertEquals(1, sent.size());
    Map<String, Object> q = sent.get(0);
    assertEquals(List.of("aab", "cde", "eea"), texts(q));
    assertEquals(1L, q.get("n"));
    assertEquals(77L, q.get("seed"), "row 0's batch seed is the batch's seed itself");
    assertEquals(true, q.get("return_token_ids"));
    assertEquals(0L, q.get("logprobs"));
  }

  @Test
  void groupsOfTheSameSizeShareOneRequestWithNAndComeBackPromptMajor() {
    List<Prompt> prompts = List.of(A, A, A, B, B, B, C, C, C);
    List<Completion> out;
    try (RemotePolicy p = builder().build()) {
      out = p.generate(prompts, PARAMS);
    }
    List<Map<String, Object>> sent = sent();
    assertEquals(1, sent.size());
    assertEquals(List.of("aab", "cde", "eea"), texts(sent.get(0)));
    assertEquals(3L, sent.get(0).get("n"));
    for (int i = 0; i < prompts.size(); i++) {
      assertArrayEquals(sampled(prompts.get(i).text(), CharModel.sampleSeed(77, i % 3)), out.get(i).tokens(),
          "row " + i + " is sample " + (i % 3) + " of prompt " + (i / 3));
    }
    assertNotEquals(out.get(0), out.get(1), "the n samples of one prompt differ");
  }

  /** Serves CharModel's reply with its choices list changed by {@code edit}. */
  private void editChoices(UnaryOperator<List<Object>> edit) {
    server.handle("/v1/completions", r -> {
      Map<String, Object> reply = Json.parseObject(model.completions(r).body());
      @SuppressWarnings("unchecked")
      List<Object> choices = new ArrayList<>((List<Object>) reply.get("choices"));
      reply.put("choices", edit.apply(choices));
      return FakeServer.Reply.ok(Json.write(reply));
    });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> choice(Object c) {
    return (Map<String, Object>) c;
  }

  private static final List<Prompt> GROUPS = List.of(A, A, B, B, C, C);

  @Test
  void theIndexNotThePositionPlacesAChoice() {
    List<Completion> inOrder;
    try (RemotePolicy p = builder().build()) {
      inOrder = p.generate(GROUPS, PARAMS);
    }
    editChoices(c -> {
      Collections.reverse(c);
      Collections.swap(c, 1, 4);
      return c;
    });
    try (RemotePolicy p = builder().build()) {
      assertEquals(inOrder, p.generate(GROUPS, PARAMS));
    }
  }

  private String generateFails(List<Prompt> prompts) {
    try (RemotePolicy p = builder().build()) {
      return assertThrows(RemoteServerException.class, () -> p.generate(prompts, PARAMS)).getMessage();
    }
  }

  @Test
  void anotherNumberOfChoicesFailsNamingTheRequest() {
    editChoices(c -> c.subList(0, 5));
    String m = generateFails(GROUPS);
    assertTrue(m.contains("the batched request for rows 0..5 (3 prompts x n=2): expected exactly 6 choices"
        + " (3 x n=2), got 5"), m);
    editChoices(c -> {
      c.add(c.get(0));
      return c;
    });
    m = generateFails(GROUPS);
    assertTrue(m.contains("expected exactly 6 choices (3 x n=2), got 7"), m);
  }

  @Test
  void aDuplicatedMissingOrOutOfRangeIndexFailsNamingTheIndex() {
    editChoices(c -> {
      choice(c.get(4)).put("index", 1);
      return c;
    });
    String m = generateFails(GROUPS);
    assertTrue(m.contains("the batched request for rows 0..5 (3 prompts x n=2): 'choices[4].index' is 1, as is"
        + " 'choices[1].index'; index 4 is missing (every index 0..5 must come exactly once)"), m);
    editChoices(c -> {
      choice(c.get(2)).put("index", 6);
      return c;
    });
    m = generateFails(GROUPS);
    assertTrue(m.contains("'choices[2].index' is 6, outside [0, 6)"), m);
    editChoices(c -> {
      choice(c.get(3)).put("index", -1);
      return c;
    });
    m = generateFails(GROUPS);
    assertTrue(m.contains("'choices[3].index' is -1, outside [0, 6)"), m);
    editChoices(c -> {
      choice(c.get(3)).remove("index");
      return c;
    });
    m = generateFails(GROUPS);
    assertTrue(m.contains("'choices[3].index' is missing; every choice of a batched request must carry its index"), m);
  }

  @Test
  void aChoiceIndexedToAnotherPromptIsCaughtByItsEchoedPrompt() {
    // choices 1 and 2 trade indices: each set of indices is complete, but sample 1 of "aab" would be
    // given to prompt "cde"'s first row
    editChoices(c -> {
      choice(c.get(1)).put("index", 2);
      choice(c.get(2)).put("index", 1);
      return c;
    });
    String m = generateFails(GROUPS);
    assertTrue(m.contains("prompt_token_ids' (3 ids) differs from the 3 prompt token ids sent"), m);
  }

  @Test
  void batchesAreSplitAtMaxPromptsPerRequestAndEachIsSeededByItsFirstRow() {
    List<Prompt> prompts = List.of(A, B, C, D, E);
    List<Completion> out;
    try (RemotePolicy p = builder().maxPromptsPerRequest(2).build()) {
      out = p.generate(prompts, PARAMS);
    }
    List<Map<String, Object>> sent = sent();
    List<List<String>> got = new ArrayList<>();
    for (Map<String, Object> q : sortedByFirstPrompt(sent, prompts)) {
      got.add(texts(q));
    }
    assertEquals(List.of(List.of("aab", "cde"), List.of("eea", "bd"), List.of("c")), got);
    for (Map<String, Object> q : sent) {
      int first = prompts.stream().map(Prompt::text).toList().indexOf(texts(q).get(0));
      assertEquals(WireRequests.batchSeed(77, first), q.get("seed"), "the request from row " + first);
      assertEquals(TokenSampler.seedForRowOffset(77, first), q.get("seed"));
    }
    for (int i = 0; i < prompts.size(); i++) {
      assertArrayEquals(sampled(prompts.get(i).text(), WireRequests.batchSeed(77, i - i % 2)), out.get(i).tokens(),
          "row " + i);
    }
  }

  private static List<Map<String, Object>> sortedByFirstPrompt(List<Map<String, Object>> sent, List<Prompt> prompts) {
    List<String> order = prompts.stream().map(Prompt::text).toList();
    List<Map<String, Object>> out = new ArrayList<>(sent);
    out.sort(Comparator.comparing(q -> order.indexOf(texts(q).get(0))));
    return out;
  }

  @Test
  void aRequestStaysWithinMaxSamplesPerRequestRows() {
    List<Prompt> prompts = List.of(A, A, B, B, C, C, D, D, E, E);
    try (RemotePolicy p = builder().maxSamplesPerRequest(4).build()) {
      assertEquals(10, p.generate(prompts, PARAMS).size());
    }
    List<List<String>> got = new ArrayList<>();
    for (Map<String, Object> q : sortedByFirstPrompt(sent(), prompts)) {
      assertEquals(2L, q.get("n"));
      got.add(texts(q));
    }
    assertEquals(List.of(List.of("aab", "cde"), List.of("eea", "bd"), List.of("c")), got);
  }

  @Test
  void runsOfAnotherLengthGoInAnotherRequest() {
    List<Prompt> prompts = List.of(A, A, B, B, C, D, E, E, E);
    List<Completion> out;
    try (RemotePolicy p = builder().build()) {
      out = p.generate(prompts, PARAMS);
    }
    List<Map<String, Object>> sent = sortedByFirstPrompt(sent(), prompts);
    assertEquals(3, sent.size());
    assertEquals(List.of("aab", "cde"), texts(sent.get(0)));
    assertEquals(2L, sent.get(0).get("n"));
    assertEquals(List.of("eea", "bd"), texts(sent.get(1)));
    assertEquals(1L, sent.get(1).get("n"));
    assertEquals(WireRequests.batchSeed(77, 4), sent.get(1).get("seed"));
    assertEquals(List.of("c"), texts(sent.get(2)));
    assertEquals(3L, sent.get(2).get("n"));
    assertEquals(WireRequests.batchSeed(77, 6), sent.get(2).get("seed"));
    for (int i = 0; i < prompts.size(); i++) {
      assertEquals(prompts.get(i).text(), CharModel.decode(out.get(i).promptTokens()), "row " + i);
    }
    assertArrayEquals(sampled("c", CharModel.sampleSeed(WireRequests.batchSeed(77, 6), 2)), out.get(8).tokens());
  }

  @Test
  void promptsWithOtherAllowedTokensGoInRequestsOfTheirOwn() {
    Prompt aAbc = new Prompt(Role.REASONER, "aab", List.of("a", "b", "c"));
    Prompt bAbc = new Prompt(Role.REASONER, "cde", List.of("a", "b", "c"));
    Prompt cDe = new Prompt(Role.REASONER, "eea", List.of("d", "e"));
    List<Prompt> prompts = List.of(A, aAbc, bAbc, cDe, B);
    List<Completion> out;
    try (RemotePolicy p = builder().maskedLogProbs(true).build()) {
      out = p.generate(prompts, PARAMS);
    }
    List<Map<String, Object>> sent = sortedByFirstPrompt(sent(), List.of(A, aAbc, bAbc, cDe, B));
    assertEquals(4, sent.size(), "the first two requests both start with 'aab': one free, one constrained");
    List<List<String>> prompt = new ArrayList<>();
    List<Object> allowed = new ArrayList<>();
    for (Map<String, Object> q : sortedBySeed(sent)) {
      prompt.add(texts(q));
      allowed.add(q.getOrDefault("allowed_token_ids", "none"));
    }
    List<Long> seeds = sortedBySeed(sent).stream().map(q -> (Long) q.get("seed")).toList();
    List<List<Object>> byRow = new ArrayList<>();
    for (int first : new int[] {0, 1, 3, 4}) {
      int k = seeds.indexOf(WireRequests.batchSeed(77, first));
      byRow.add(List.of(prompt.get(k), allowed.get(k)));
    }
    assertEquals(List.of(List.of(List.of("aab"), "none"), List.of(List.of("aab", "cde"), List.of(97L, 98L, 99L)),
        List.of(List.of("eea"), List.of(100L, 101L)), List.of(List.of("cde"), "none")), byRow);
    for (int i = 1; i < 4; i++) {
      for (int t : out.get(i).tokens()) {
        assertTrue(prompts.get(i).allowedTokens().contains(Character.toString(t)), "row " + i + " token " + t);
      }
    }
  }

  @Test
  void aFailedBatchedRequestIsRetriedWhole() {
    List<Completion> once;
    try (RemotePolicy p = builder().build()) {
      once = p.generate(GROUPS, PARAMS);
    }
    server.enqueue("/v1/completions", FakeServer.Reply.status(503, "{\"error\":{\"message\":\"busy\","
        + "\"type\":\"ServiceUnavailableError\",\"param\":null,\"code\":503}}"));
    int before = server.received("/v1/completions").size();
    try (RemotePolicy p = builder().retries(2, Duration.ZERO, Duration.ZERO).build()) {
      assertEquals(once, p.generate(GROUPS, PARAMS));
      assertEquals(1, p.stats().retries());
      assertEquals(6, p.stats().completions());
    }
    List<FakeServer.Request> all = server.received("/v1/completions");
    assertEquals(before + 2, all.size());
    assertEquals(all.get(before).body(), all.get(before + 1).body(), "the retry resends the same batch");
  }

  @Test
  void aBatchedReplyWithoutTokenIdsFallsBackToTokenizingEachChoice() {
    List<Completion> withIds;
    try (RemotePolicy p = builder().build()) {
      withIds = p.generate(GROUPS, PARAMS);
    }
    editChoices(c -> {
      for (Object o : c) {
        choice(o).remove("token_ids");
      }
      return c;
    });
    try (RemotePolicy p = builder().build()) {
      assertEquals(withIds, p.generate(GROUPS, PARAMS));
      assertEquals(6, p.stats().tokenIdFallbacks());
    }
  }

  @Test
  void builderSettingsOfBatchingAreValidated() {
    SpiceException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> builder().maxPromptsPerRequest(0).build());
    assertTrue(e.getMessage().contains("maxPromptsPerRequest must be >= 1, got 0"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> builder().batchPrompts(false).maxPromptsPerRequest(8).build());
    assertTrue(e.getMessage().contains("maxPromptsPerRequest(8) only applies to batched requests; set"
        + " batchPrompts(true)"), e.getMessage());
    assertEquals(0, server.received("/health").size(), "settings are checked before any request");
  }

  @Test
  void theProviderPassesTheBatchingOptions() {
    Map<String, String> opts = Map.of("url", server.uri().toString(), "model", FakeServer.MODEL,
        "template", "raw", "batchPrompts", "true", "maxPromptsPerRequest", "2");
    try (RemotePolicy p = (RemotePolicy) new RemotePolicyProvider().create(opts)) {
      assertEquals(3, p.generate(List.of(A, B, C), PARAMS).size());
    }
    assertEquals(2, server.received("/v1/completions").size());
    SpiceException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> RemotePolicyProvider.configure(Map.of("url", server.uri().toString(), "model", FakeServer.MODEL,
            "maxPromptsPerRequest", "2")).build());
    assertTrue(e.getMessage().contains("set batchPrompts(true) too"), e.getMessage());
  }
}
