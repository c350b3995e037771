package dev.spice.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
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
 * Runs of consecutive identical prompts go out as one request with {@code n} = the run's length
 * (split at {@code maxSamplesPerRequest}), seeded by the run's first row, and the {@code n}
 * choices come back to the run's rows in index order; a reply that does not match fails.
 */
class RemotePolicyCollapseTest {
  private static final SamplingParams PARAMS = SamplingParams.defaults(8).withSeed(77);
  private static final Prompt A = Prompt.of(Role.REASONER, "aab");
  private static final Prompt B = Prompt.of(Role.REASONER, "cde");

  private final CharModel model = new CharModel(null);
  private final FakeServer server = model.install(new FakeServer());

  @AfterEach
  void stop() {
    server.close();
  }

  private RemotePolicyBuilder builder() {
    return RemotePolicy.builder().baseUrl(server.uri()).model(FakeServer.MODEL).template(PromptTemplate.RAW)
        .retries(1, Duration.ZERO, Duration.ZERO);
  }

  /** What CharModel samples for an n = 1 request of {@code text} with wire seed {@code seed}. */
  private int[] sampled(String text, long seed) {
    return model.sampleOnce(text, seed, PARAMS.maxNewTokens());
  }


  /** The bodies of the completion requests received, in arrival order. */
  private List<Map<String, Object>> sentRequests() {
    return server.bodies("/v1/completions");
  }


  private static List<Object> nAndSeed(long n, long seed) {
    return List.of(n, seed);
  }

  /** The (n, seed) pairs of the completion requests received, sorted (they arrive concurrently). */
  private List<List<Object>> sentNAndSeeds() {
    List<List<Object>> out = new ArrayList<>();
    for (Map<String, Object> q : sentRequests()) {
      out.add(List.of(q.get("n"), q.get("seed")));
    }
    out.sort(Comparator.comparing(Object::toString));
    return out;
  }

  private static List<List<Object>> sorted(List<List<Object>> l) {
    List<List<Object>> out = new ArrayList<>(l);
    out.sort(Comparator.comparing(Object::toString));
    return out;
  }

  @Test
  void aGroupOfIdenticalPromptsIsOneRequestWithNSamples() {
    try (RemotePolicy p = builder().build()) {
      List<Completion> out = p.generate(Collections.nCopies(4, A), PARAMS);
      assertEquals(4, out.size());
      long seed = WireRequests.rowSeed(77, 0);
      for (int k = 0; k < 4; k++) {
        assertArrayEquals(sampled("aab", CharModel.sampleSeed(seed, k)), out.get(k).tokens(), "row " + k);
        assertArrayEquals("aab".codePoints().toArray(), out.get(k).promptTokens());
      }
      assertNotEquals(out.get(0), out.get(1), "the n samples differ");
      assertEquals(4, p.stats().completions());
    }
    assertEquals(List.of(nAndSeed(4, WireRequests.rowSeed(77, 0))), sentNAndSeeds());
    assertEquals(1, server.received("/tokenize").size(), "the run's prompt is tokenized once");
  }

  @Test
  void mixedRunsAreSplitAtEveryChangeOfRenderedPromptOrAllowedTokens() {
    List<String> letters = List.of("a", "b", "c", "d", "e");
    Prompt constrained = new Prompt(Role.REASONER, "aab", letters);
    Prompt otherOrder = new Prompt(Role.REASONER, "aab", List.of("e", "d", "c", "b", "a"));
    Prompt sameText = Prompt.of(Role.CHALLENGER, "aab"); // another role, the same text under RAW
    List<Prompt> prompts = List.of(A, A, sameText, B, A, A, constrained, constrained, otherOrder);
    try (RemotePolicy p = builder().maskedLogProbs(true).build()) {
      List<Completion> out = p.generate(prompts, PARAMS);
      assertEquals(prompts.size(), out.size());
      for (int i = 0; i < prompts.size(); i++) {
        assertEquals(prompts.get(i).text(), CharModel.decode(out.get(i).promptTokens()), "row " + i);
      }
      // the first row of each run samples what an n = 1 request with its own row seed gives
      for (int first : new int[] {0, 3, 4, 6, 8}) {
        assertArrayEquals(sampled(prompts.get(first).text(), WireRequests.rowSeed(77, first)),
            out.get(first).tokens(), "row " + first);
      }
      assertEquals(9, p.stats().completions());
    }
    assertEquals(sorted(List.of(nAndSeed(3, WireRequests.rowSeed(77, 0)), nAndSeed(1, WireRequests.rowSeed(77, 3)),
        nAndSeed(2, WireRequests.rowSeed(77, 4)), nAndSeed(2, WireRequests.rowSeed(77, 6)),
        nAndSeed(1, WireRequests.rowSeed(77, 8)))), sentNAndSeeds());
    for (Map<String, Object> q : sentRequests()) {
      if (q.get("seed").equals(WireRequests.rowSeed(77, 6))) {
        assertEquals(List.of(97L, 98L, 99L, 100L, 101L), q.get("allowed_token_ids"));
      }
    }
  }

  @Test
  void aRunLongerThanTheCapIsSplitAndEachPartIsSeededByItsFirstRow() {
    List<Completion> capped;
    List<Completion> perRow;
    try (RemotePolicy p = builder().maxSamplesPerRequest(2).build()) {
      capped = p.generate(Collections.nCopies(5, A), PARAMS);
    }
    assertEquals(sorted(List.of(nAndSeed(2, WireRequests.rowSeed(77, 0)), nAndSeed(2, WireRequests.rowSeed(77, 2)),
        nAndSeed(1, WireRequests.rowSeed(77, 4)))), sentNAndSeeds());
    try (RemotePolicy p = builder().collapseIdenticalPrompts(false).build()) {
      perRow = p.generate(Collections.nCopies(5, A), PARAMS);
    }
    for (int first : new int[] {0, 2, 4}) {
      assertEquals(perRow.get(first), capped.get(first), "row " + first + " starts a request: its own seed");
    }
    long seed2 = WireRequests.rowSeed(77, 2);
    assertArrayEquals(sampled("aab", CharModel.sampleSeed(seed2, 1)), capped.get(3).tokens());
  }

  @Test
  void collapsingOffSendsOneRequestPerRowWithItsOwnSeed() {
    List<Completion> off;
    try (RemotePolicy p = builder().collapseIdenticalPrompts(false).build()) {
      off = p.generate(Collections.nCopies(3, A), PARAMS);
      assertEquals(3, p.stats().completions());
    }
    assertEquals(sorted(List.of(nAndSeed(1, WireRequests.rowSeed(77, 0)), nAndSeed(1, WireRequests.rowSeed(77, 1)),
        nAndSeed(1, WireRequests.rowSeed(77, 2)))), sentNAndSeeds());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(sampled("aab", WireRequests.rowSeed(77, i)), off.get(i).tokens(), "row " + i);
    }
    try (RemotePolicy p = builder().maxSamplesPerRequest(1).build()) {
      assertEquals(off, p.generate(Collections.nCopies(3, A), PARAMS), "a cap of 1 is collapsing off");
    }
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

  private String generateFails() {
    try (RemotePolicy p = builder().build()) {
      return assertThrows(RemoteServerException.class, () -> p.generate(List.of(B, A, A, A), PARAMS)).getMessage();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> choice(Object c) {
    return (Map<String, Object>) c;
  }

  @Test
  void aReplyWithAnotherNumberOfChoicesThanNFails() {
    editChoices(c -> c.size() == 3 ? c.subList(0, 2) : c);
    String m = generateFails();
    assertTrue(m.contains("rows 1..3: expected exactly 3 choices (n=3), got 2"), m);
    editChoices(c -> {
      List<Object> more = new ArrayList<>(c);
      more.add(c.get(0));
      return more;
    });
    m = generateFails();
    assertTrue(m.contains("expected exactly 1 choice (n=1), got 2") || m.contains("expected exactly 3 choices (n=3),"
        + " got 4"), m);
  }

  @Test
  void choicesOutOfIndexOrderDuplicatedOrUnindexedFail() {
    editChoices(c -> {
      if (c.size() == 3) {
        Collections.swap(c, 0, 1);
      }
      return c;
    });
    String m = generateFails();
    assertTrue(m.contains("row 1: 'choices[0].index' is 1, expected 0"), m);
    editChoices(c -> {
      if (c.size() == 3) {
        choice(c.get(2)).put("index", 1);
      }
      return c;
    });
    m = generateFails();
    assertTrue(m.contains("row 3: 'choices[2].index' is 1, expected 2"), m);
    editChoices(c -> {
      if (c.size() == 3) {
        choice(c.get(1)).remove("index");
      }
      return c;
    });
    m = generateFails();
    assertTrue(m.contains("row 2: 'choices[1].index' is missing; with n=3"), m);
  }

  @Test
  void aRetriedCollapsedRequestIsCountedAsRequestsAndItsRowsAsCompletions() {
    server.enqueue("/v1/completions", FakeServer.Reply.status(503, "{\"error\":{\"message\":\"busy\","
        + "\"type\":\"ServiceUnavailableError\",\"param\":null,\"code\":503}}"));
    try (RemotePolicy p = builder().retries(2, Duration.ZERO, Duration.ZERO).build()) {
      long before = p.stats().requests();
      List<Completion> out = p.generate(Collections.nCopies(3, A), PARAMS);
      assertEquals(3, out.size());
      RemoteStats s = p.stats();
      assertEquals(1, s.retries());
      assertEquals(3, s.completions());
      assertEquals(before + 3, s.requests(), "one /tokenize, the failed request and its retry");
    }
    assertEquals(2, server.received("/v1/completions").size());
  }

  @Test
  void maxSamplesPerRequestMustBePositive() {
    SpiceException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> builder().maxSamplesPerRequest(0).build());
    assertTrue(e.getMessage().contains("maxSamplesPerRequest must be >= 1, got 0"), e.getMessage());
  }
}
