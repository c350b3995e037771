package dev.spice.remote;

import static dev.spice.remote.FakeServer.Reply.ok;
import static dev.spice.remote.FakeServer.Reply.status;
import static dev.spice.remote.FakeServer.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.text.PromptTemplate;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every way a server or its reply can be wrong ends in a clear error, never a wrong rollout. */
class RemotePolicyErrorsTest {
  private final FakeServer server = new FakeServer();
  private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() {
    server.close();
  }

  private RemotePolicyBuilder builder() {
    return RemotePolicy.builder().baseUrl(server.uri()).model(FakeServer.MODEL).template(PromptTemplate.RAW)
        .retries(3, Duration.ofMillis(100), Duration.ofSeconds(2)).sleeper(sleeps::add);
  }

  private static final Prompt PROMPT = Prompt.of(Role.CHALLENGER, "What is 2");

  /** Generates once against a scripted /v1/completions reply and returns the error. */
  private SpiceException generateFails(FakeServer.Reply... completions) {
    server.enqueue("/tokenize", ok(resource("tokenize_prompt.json")));
    server.enqueue("/v1/completions", completions);
    try (RemotePolicy p = builder().build()) {
      return assertThrows(SpiceException.class, () -> p.generate(List.of(PROMPT), SamplingParams.defaults(3)));
    }
  }

  @Test
  void aServerThatIsDownFailsTheBuildNamingTheUrl() {
    URI down = server.uri();
    server.close();
    RemoteServerException e = assertThrows(RemoteServerException.class, () -> RemotePolicy.builder().baseUrl(down)
        .model(FakeServer.MODEL).retries(2, Duration.ofMillis(1), Duration.ofMillis(1)).sleeper(sleeps::add).build());
    assertTrue(e.getMessage().contains("no healthy inference server at " + down), e.getMessage());
    assertTrue(e.getMessage().contains(down + "/health failed after 2 attempts; last: cannot connect"), e.getMessage());
    assertEquals(RemoteServerException.NO_STATUS, e.status());
    assertEquals(1, sleeps.size());
  }

  @Test
  void anUnhealthyServerFailsTheBuild() {
    server.handle("/health", r -> status(500, ""));
    RemoteServerException e = assertThrows(RemoteServerException.class, () -> builder().build());
    assertTrue(e.getMessage().contains("failed after 3 attempts; last: HTTP 500: (empty body)"), e.getMessage());
    assertEquals(500, e.status());
  }

  @Test
  void aModelTheServerDoesNotServeFailsTheBuildNamingTheServedOnes() {
    SpiceException.ConfigurationException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> builder().model("Qwen/Qwen3-8B").build());
    assertEquals("model 'Qwen/Qwen3-8B' is not served at " + server.uri()
        + "; served models: [Qwen/Qwen3-0.6B, spice-lora] (pass one of them to model(...))", e.getMessage());
  }

  @Test
  void invalidSettingsFailTheBuildBeforeAnyRequest() {
    assertThrows(SpiceException.ConfigurationException.class, () -> RemotePolicy.builder().model("m").build());
    assertThrows(SpiceException.ConfigurationException.class, () -> builder().model(" ").build());
    SpiceException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> builder().baseUrl(URI.create(server.uri() + "/v1/")).build());
    assertTrue(e.getMessage().contains("use '" + server.uri() + "'"), e.getMessage());
    assertThrows(SpiceException.ConfigurationException.class, () -> builder().baseUrl(URI.create("ftp://h")).build());
    assertThrows(SpiceException.ConfigurationException.class, () -> builder().maxConcurrentRequests(0).build());
    assertThrows(SpiceException.ConfigurationException.class,
        () -> builder().retries(0, Duration.ZERO, Duration.ZERO).build());
    assertThrows(SpiceException.ConfigurationException.class,
        () -> builder().retries(2, Duration.ofSeconds(2), Duration.ofSeconds(1)).build());
    assertThrows(SpiceException.ConfigurationException.class, () -> builder().requestTimeout(Duration.ZERO).build());
    assertThrows(SpiceException.ConfigurationException.class, () -> builder().vocabularySize(-1).build());
    assertTrue(server.received("/health").isEmpty());
  }

  @Test
  void aStopTokenThatIsNotOneTokenFailsTheBuild() {
    server.enqueue("/tokenize", ok(resource("tokenize_text.json")));
    SpiceException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> builder().stopTokens("</answer>").build());
    assertTrue(e.getMessage().contains("'</answer>' is not exactly one token"), e.getMessage());
  }

  @Test
  void a4xxCarriesTheServersMessageInTheNestedShape() {
    RemoteServerException e = (RemoteServerException) generateFails(status(400, resource("error_nested.json")));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().endsWith("/v1/completions answered HTTP 400: BadRequestError: This model's maximum"
        + " context length is 4096 tokens. However, you requested 5000 tokens."), e.getMessage());
    assertTrue(sleeps.isEmpty(), "a 400 is not retried");
  }

  @Test
  void a4xxCarriesTheServersMessageInTheFlatShape() {
    RemoteServerException e = (RemoteServerException) generateFails(status(404, resource("error_flat.json")));
    assertEquals(404, e.status());
    assertTrue(e.getMessage().endsWith("answered HTTP 404: NotFoundError: The model `Qwen/Qwen3-8B` does not exist."),
        e.getMessage());
  }

  @Test
  void aReplyWithoutLogProbsFails() {
    SpiceException e = generateFails(ok(resource("completion_no_logprobs.json")));
    assertTrue(e.getMessage().contains("row 0: the reply carries no log-probs ('choices[0].logprobs' is null)"),
        e.getMessage());
  }

  @Test
  void logProbsOfTheWrongLengthFail() {
    SpiceException e = generateFails(ok(resource("completion_wrong_length.json")));
    assertTrue(e.getMessage().contains("row 0: 3 token ids (from 'choices[0].token_ids') but 2 log-probs"),
        e.getMessage());
  }

  @Test
  void tokenIdsOutsideAKnownVocabularyFail() {
    server.enqueue("/tokenize", ok(resource("tokenize_prompt.json")));
    server.enqueue("/v1/completions", ok(resource("completion_vllm.json")));
    try (RemotePolicy p = builder().vocabularySize(151000).build()) {
      SpiceException e = assertThrows(RemoteServerException.class,
          () -> p.generate(List.of(PROMPT), SamplingParams.defaults(3)));
      assertTrue(e.getMessage().contains("row 0: generated token 2 has id 151643, outside the vocabulary [0, 151000)"),
          e.getMessage());
    }
  }

  @Test
  void aNonJsonBodyFails() {
    SpiceException e = generateFails(ok(resource("not_json.html")));
    assertTrue(e.getMessage().contains("the reply is not JSON"), e.getMessage());
    assertTrue(e.getMessage().contains("<h1>502 Bad Gateway</h1>"), e.getMessage());
  }

  @Test
  void anErrorBodyWithStatus200IsReadAsAnError() {
    SpiceException e = generateFails(ok(resource("error_nested.json")));
    assertTrue(e.getMessage().contains("row 0: the reply is an error: BadRequestError: This model's maximum"),
        e.getMessage());
  }

  @Test
  void aNonJsonErrorBodyIsQuoted() {
    RemoteServerException e = (RemoteServerException) generateFails(status(401, "Unauthorized"));
    assertTrue(e.getMessage().endsWith("answered HTTP 401: Unauthorized"), e.getMessage());
  }

  @Test
  void missingFieldsFail() {
    assertTrue(generateFails(ok(resource("completion_no_choices.json"))).getMessage()
        .contains("the reply lacks the field 'choices'"));
    SpiceException e = generateFails(ok(resource("completion_no_finish_reason.json")));
    assertTrue(e.getMessage().contains("'choices[0].finish_reason' is null or missing"), e.getMessage());
    e = generateFails(ok("{\"choices\":[{\"text\":\"4\",\"finish_reason\":\"abort\",\"logprobs\":"
        + "{\"token_logprobs\":[-1.0]},\"token_ids\":[19]}]}"));
    assertTrue(e.getMessage().contains("'choices[0].finish_reason' is \"abort\""), e.getMessage());
    e = generateFails(ok("{\"choices\":[{\"text\":\"4\",\"finish_reason\":\"stop\",\"logprobs\":"
        + "{\"token_logprobs\":[0.5]},\"token_ids\":[19]}]}"));
    assertTrue(e.getMessage().contains("'choices[0].logprobs.token_logprobs[0]' is 0.5"), e.getMessage());
    e = generateFails(ok("{\"choices\":[{\"text\":\"4\",\"finish_reason\":\"stop\",\"logprobs\":"
        + "{\"token_logprobs\":[-1.0]},\"token_ids\":[19],\"prompt_token_ids\":[1,2]}]}"));
    assertTrue(e.getMessage().contains("'choices[0].prompt_token_ids' (2 ids) differs from the 4 prompt token ids"),
        e.getMessage());
    e = generateFails(ok("{\"choices\":[{\"text\":\"4\",\"finish_reason\":\"stop\",\"logprobs\":"
        + "{\"token_logprobs\":[-1.0]},\"token_ids\":[\"19\"]}]}"));
    assertTrue(e.getMessage().contains("'choices[0].token_ids[0]' should be an integer, got \"19\""), e.getMessage());
  }

  @Test
  void http429And503AreRetriedHonouringRetryAfter() {
    server.enqueue("/tokenize", ok(resource("tokenize_prompt.json")));
    server.enqueue("/v1/completions", status(429, resource("error_overloaded.json")).withHeader("Retry-After", "1"),
        status(503, resource("error_overloaded.json")).withHeader("Retry-After", "0"),
        ok(resource("completion_vllm.json")));
    try (RemotePolicy p = builder().build()) {
      assertEquals(3, p.generate(List.of(PROMPT), SamplingParams.defaults(3)).get(0).tokenCount());
      assertEquals(2, p.stats().retries());
    }
    assertEquals(2, sleeps.size());
    assertEquals(Duration.ofSeconds(1), sleeps.get(0), "Retry-After (1 s) is longer than the backoff");
    assertTrue(sleeps.get(1).toMillis() >= 100 && sleeps.get(1).toMillis() <= 200,
        "second wait: 200 ms backoff with jitter in [0.5, 1), got " + sleeps.get(1));
  }

  @Test
  void retriesEndInAClearErrorAfterMaxAttempts() {
    FakeServer.Reply busy = status(503, resource("error_overloaded.json")).withHeader("Retry-After", "0");
    RemoteServerException e = (RemoteServerException) generateFails(busy, busy, busy);
    assertEquals(503, e.status());
    assertTrue(e.getMessage().endsWith("/v1/completions failed after 3 attempts; last: HTTP 503:"
        + " ServiceUnavailableError: The server is overloaded; retry later."), e.getMessage());
    assertEquals(3, server.received("/v1/completions").size());
  }

  @Test
  void aRequestTimeoutFails() {
    server.enqueue("/tokenize", ok(resource("tokenize_prompt.json")));
    server.enqueue("/v1/completions", ok(resource("completion_vllm.json")).delayed(3000));
    try (RemotePolicy p = builder().requestTimeout(Duration.ofMillis(200))
        .retries(1, Duration.ZERO, Duration.ZERO).build()) {
      RemoteServerException e = assertThrows(RemoteServerException.class,
          () -> p.generate(List.of(PROMPT), SamplingParams.defaults(3)));
      assertTrue(e.getMessage().endsWith("failed after 1 attempt; last: no reply within the request timeout of 200 ms"),
          e.getMessage());
    }
  }

  @Test
  void constrainedPromptsNeedMaskedLogProbsAndOneTokenPerAllowedString() {
    Prompt constrained = new Prompt(Role.REASONER, "What is 2", List.of("4", " +"));
    try (RemotePolicy p = builder().build()) {
      SpiceException e = assertThrows(SpiceException.BackendException.class,
          () -> p.generate(List.of(PROMPT, constrained), SamplingParams.defaults(3)));
      assertTrue(e.getMessage().startsWith("prompt 1 is constrained"), e.getMessage());
      e = assertThrows(SpiceException.BackendException.class,
          () -> p.scoreContinuations(List.of(constrained), List.of(new int[] {19})));
      assertTrue(e.getMessage().contains("prompt 0 is constrained"), e.getMessage());
    }
    assertTrue(server.received("/v1/completions").isEmpty());
    server.enqueue("/tokenize", ok(resource("tokenize_prompt.json")), ok(resource("tokenize_text.json")));
    try (RemotePolicy p = builder().maskedLogProbs(true).build()) {
      SpiceException e = assertThrows(SpiceException.BackendException.class,
          () -> p.generate(List.of(constrained), SamplingParams.defaults(3)));
      assertTrue(e.getMessage().contains("allowed token '4' is not exactly one token"), e.getMessage());
    }
  }

  @Test
  void aServerIgnoringAllowedTokenIdsIsCaught() {
    server.enqueue("/tokenize", ok(resource("tokenize_prompt.json")), ok("{\"tokens\":[19]}"));
    server.enqueue("/v1/completions", ok(resource("completion_vllm.json")));
    try (RemotePolicy p = builder().maskedLogProbs(true).build()) {
      SpiceException e = assertThrows(RemoteServerException.class, () -> p.generate(
          List.of(new Prompt(Role.REASONER, "What is 2", List.of("4"))), SamplingParams.defaults(3)));
      assertTrue(e.getMessage().contains("generated token 1 (id 488) is not among the allowed token ids [19]"),
          e.getMessage());
    }
  }

  @Test
  void scoringWithoutEchoedLogProbsFails() {
    server.enqueue("/tokenize", ok(resource("tokenize_prompt.json")));
    server.enqueue("/v1/completions", ok(resource("echo_no_logprobs.json")));
    try (RemotePolicy p = builder().build()) {
      SpiceException e = assertThrows(RemoteServerException.class,
          () -> p.scoreContinuations(List.of(PROMPT), List.of(new int[] {19, 488})));
      assertTrue(e.getMessage().contains("the echoed reply carries no prompt log-probs"), e.getMessage());
      e = assertThrows(SpiceException.BackendException.class,
          () -> p.scoreContinuations(List.of(PROMPT), List.of()));
      assertTrue(e.getMessage().contains("1 prompts but 0 continuations"), e.getMessage());
    }
  }

  @Test
  void aClosedPolicyFailsClearly() {
    RemotePolicy p = builder().build();
    p.close();
    p.close();
    SpiceException e = assertThrows(SpiceException.BackendException.class, () -> p.tokenize("x"));
    assertEquals("RemotePolicy for " + server.uri() + " is closed", e.getMessage());
  }
}
