package dev.spice.remote;

import static dev.spice.remote.FakeServer.Reply.ok;
import static dev.spice.remote.FakeServer.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.text.PromptTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RemotePolicy#scoreFromTokens} sends exactly the given ids in the echo request that
 * {@link RemotePolicy#scoreContinuations} uses, with no template and no /tokenize call.
 */
class RemoteScoreFromTokensTest {
  private final FakeServer server = new FakeServer();

  @AfterEach
  void stop() {
    server.close();
  }

  private RemotePolicyBuilder builder() {
    // a template that would change the prompt, to show that scoreFromTokens does not apply it
    return RemotePolicy.builder().baseUrl(server.uri()).model(FakeServer.MODEL).template(PromptTemplate.CHATML);
  }

  @Test
  void sendsTheIdsAsTheyAreInTheEchoRequestAndReadsTheContinuationsLogProbs() {
    server.enqueue("/v1/completions", ok(resource("echo_scoring_vllm.json")));
    int[] prompt = {3838, 374, 220, 17};
    int[] cont = {19, 488};
    try (RemotePolicy p = builder().build()) {
      // Before: the PolicyBackend default threw UnsupportedOperation.
      List<float[]> s = p.scoreFromTokens(List.of(prompt), List.of(cont));
      assertEquals(1, s.size());
      assertArrayEquals(new float[] {-0.25f, -1.5f}, s.get(0));
    }
    assertArrayEquals(new int[] {3838, 374, 220, 17}, prompt, "the caller's arrays are not modified");
    assertTrue(server.received("/tokenize").isEmpty(), "no tokenization");
    Map<String, Object> q = Json.parseObject(server.received("/v1/completions").get(0).body());
    assertEquals(List.of(3838L, 374L, 220L, 17L, 19L, 488L), q.get("prompt"));
    assertEquals(true, q.get("echo"));
    assertEquals(0L, q.get("max_tokens"));
    assertEquals(0L, q.get("logprobs"));
    assertEquals(1L, q.get("n"));
  }

  @Test
  void givesWhatScoreContinuationsGivesForThePromptsTokens() {
    server.enqueue("/tokenize", ok(resource("tokenize_prompt.json")));
    server.enqueue("/v1/completions", ok(resource("echo_scoring_vllm.json")), ok(resource("echo_scoring_vllm.json")));
    try (RemotePolicy p = builder().template(PromptTemplate.RAW).build()) {
      float[] viaText = p.scoreContinuations(List.of(Prompt.of(Role.REASONER, "What is 2")),
          List.of(new int[] {19, 488})).get(0);
      float[] viaIds = p.scoreFromTokens(List.of(new int[] {3838, 374, 220, 17}), List.of(new int[] {19, 488}))
          .get(0);
      assertArrayEquals(viaText, viaIds);
    }
    List<FakeServer.Request> sent = server.received("/v1/completions");
    assertEquals(Json.parseObject(sent.get(0).body()), Json.parseObject(sent.get(1).body()));
  }

  @Test
  void rowsKeepTheirOrderAndEmptyContinuationsNeedNoRequest() {
    // Each reply echoes the prompt it was sent, with log-prob -(id / 1000) for every token.
    server.handle("/v1/completions", r -> {
      List<?> ids = (List<?>) Json.parseObject(r.body()).get("prompt");
      List<Object> lps = new ArrayList<>();
      lps.add(null);
      for (int i = 1; i < ids.size(); i++) {
        lps.add(-((Long) ids.get(i)) / 1000.0);
      }
      return ok("{\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":\"length\",\"logprobs\":"
          + "{\"token_logprobs\":" + Json.write(lps) + "},\"prompt_token_ids\":" + Json.write(ids) + "}]}");
    });
    try (RemotePolicy p = builder().build()) {
      List<float[]> s = p.scoreFromTokens(List.of(new int[] {1}, new int[] {2, 3}, new int[] {4}),
          List.of(new int[] {500}, new int[0], new int[] {700, 800}));
      assertArrayEquals(new float[] {-0.5f}, s.get(0));
      assertArrayEquals(new float[0], s.get(1));
      assertArrayEquals(new float[] {-0.7f, -0.8f}, s.get(2));
      assertTrue(p.scoreFromTokens(List.of(), List.of()).isEmpty());
    }
    assertEquals(2, server.received("/v1/completions").size());
  }

  @Test
  void badArgumentsAreInvalidInputNamingTheRowAndNothingIsSent() {
    try (RemotePolicy p = builder().vocabularySize(1000).build()) {
      String m = assertThrows(SpiceException.InvalidInputException.class,
          () -> p.scoreFromTokens(List.of(new int[] {1}), List.of())).getMessage();
      assertEquals("scoreFromTokens: 1 prompts but 0 continuations", m);
      m = assertThrows(SpiceException.InvalidInputException.class,
          () -> p.scoreFromTokens(List.of(new int[] {1}, new int[0]), List.of(new int[] {2}, new int[] {3})))
          .getMessage();
      assertEquals("scoreFromTokens: prompt 1 has no tokens; a decoder needs at least one", m);
      m = assertThrows(SpiceException.InvalidInputException.class,
          () -> p.scoreFromTokens(List.of(new int[] {1, 1000}), List.of(new int[] {2}))).getMessage();
      assertEquals("scoreFromTokens: prompt 0: token 1 has id 1000, outside the vocabulary [0, 1000)", m);
      m = assertThrows(SpiceException.InvalidInputException.class,
          () -> p.scoreFromTokens(List.of(new int[] {1}), List.of(new int[] {2, -3}))).getMessage();
      assertEquals("scoreFromTokens: continuation 0: token 1 has id -3, outside the vocabulary [0, 1000)", m);
      List<int[]> withNull = new ArrayList<>();
      withNull.add(null);
      m = assertThrows(SpiceException.InvalidInputException.class,
          () -> p.scoreFromTokens(List.of(new int[] {1}), withNull)).getMessage();
      assertEquals("scoreFromTokens: continuation 0 is null", m);
    }
    assertTrue(server.received("/v1/completions").isEmpty());
  }

  @Test
  void aReplyForOtherTokensOrWithoutLogProbsIsARemoteServerException() {
    server.enqueue("/v1/completions", ok(resource("echo_scoring_vllm.json")), ok(resource("echo_no_logprobs.json")));
    try (RemotePolicy p = builder().build()) {
      String m = assertThrows(RemoteServerException.class,
          () -> p.scoreFromTokens(List.of(new int[] {1, 2, 3, 4}), List.of(new int[] {19, 488}))).getMessage();
      assertTrue(m.contains("differs from the 6 prompt token ids sent"), m);
      m = assertThrows(RemoteServerException.class,
          () -> p.scoreFromTokens(List.of(new int[] {3838, 374, 220, 17}), List.of(new int[] {19, 488})))
          .getMessage();
      assertTrue(m.contains("no prompt log-probs"), m);
    }
  }
}
