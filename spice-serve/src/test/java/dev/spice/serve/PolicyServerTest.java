package dev.spice.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyServerTest {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final FakePolicy policy = new FakePolicy("fake", 0);
  private PolicyServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private PolicyServer start(PolicyServer.Builder b) {
    server = b.build().start();
    return server;
  }

  private PolicyServer startDefault() {
    return start(PolicyServer.builder().policy(policy).modelName("m").maxPromptTokens(8).maxRequestBytes(4096));
  }

  private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(HttpResponse<String> r) {
    return (Map<String, Object>) Json.parse(r.body());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> error(HttpResponse<String> r, int status) {
    assertEquals(status, r.statusCode(), r.body());
    return (Map<String, Object>) json(r).get("error");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> choices(Map<String, Object> body) {
    return (List<Map<String, Object>>) body.get("choices");
  }

  private static int[] ints(Object list) {
    return ((List<?>) list).stream().mapToInt(o -> ((Long) o).intValue()).toArray();
  }

  @Test
  void healthAndModels() throws Exception {
    startDefault();
    HttpResponse<String> h = get("health");
    assertEquals(200, h.statusCode());
    assertEquals("", h.body());
    Map<String, Object> models = json(get("v1/models"));
    assertEquals("list", models.get("object"));
    List<?> data = (List<?>) models.get("data");
    assertEquals(1, data.size());
    Map<?, ?> m = (Map<?, ?>) data.get(0);
    assertEquals("m", m.get("id"));
    assertEquals("model", m.get("object"));
    assertEquals("spice", m.get("owned_by"));
    assertNull(m.get("parent"));
    assertEquals(8L, m.get("max_model_len"));
    assertTrue(server.uri().toString().startsWith("http://127.0.0.1:"));
  }

  @Test
  void tokenIdsBatchIsPromptMajorAndMatchesThePolicyCalledDirectly() throws Exception {
    startDefault();
    HttpResponse<String> r = post("v1/completions", "{\"model\":\"m\",\"prompt\":[[1,2,3],[4,5]],\"n\":3,"
        + "\"max_tokens\":6,\"seed\":7,\"logprobs\":0,\"return_token_ids\":true,\"unknown_field\":{\"x\":1}}");
    assertEquals(200, r.statusCode(), r.body());
    Map<String, Object> body = json(r);
    assertEquals("text_completion", body.get("object"));
    assertEquals("m", body.get("model"));
    assertTrue(((String) body.get("id")).startsWith("cmpl-"));
    List<Map<String, Object>> ch = choices(body);
    assertEquals(6, ch.size());
    List<int[]> rows = List.of(new int[] {1, 2, 3}, new int[] {1, 2, 3}, new int[] {1, 2, 3}, new int[] {4, 5},
        new int[] {4, 5}, new int[] {4, 5});
    List<Completion> direct = new FakePolicy("fake", 0).generateFromTokens(rows, null,
        new SamplingParams(1.0, 1.0, 0, 6, List.of(), 7));
    long completionTokens = 0;
    Set<String> samplesOfFirst = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      Map<String, Object> c = ch.get(i);
      assertEquals((long) i, c.get("index"));
      assertArrayEquals(rows.get(i), ints(c.get("prompt_token_ids")));
      assertArrayEquals(direct.get(i).tokens(), ints(c.get("token_ids")));
      assertEquals(direct.get(i).text(), c.get("text"));
      assertEquals(direct.get(i).finishReason() == Completion.FinishReason.STOP ? "stop" : "length",
          c.get("finish_reason"));
      Map<?, ?> lp = (Map<?, ?>) c.get("logprobs");
      List<?> lps = (List<?>) lp.get("token_logprobs");
      float[] want = direct.get(i).logProbs();
      assertEquals(want.length, lps.size());
      for (int j = 0; j < want.length; j++) {
        assertEquals(want[j], ((Number) lps.get(j)).floatValue());
      }
      assertEquals(want.length, ((List<?>) lp.get("tokens")).size());
      assertEquals(0L, ((List<?>) lp.get("text_offset")).get(0));
      completionTokens += want.length;
      if (i < 3) {
        samplesOfFirst.add(c.get("token_ids").toString());
      }
    }
    assertEquals(3, samplesOfFirst.size(), "the n samples of one prompt must differ");
    Map<?, ?> usage = (Map<?, ?>) body.get("usage");
    assertEquals(5L, usage.get("prompt_tokens"));
    assertEquals(completionTokens, usage.get("completion_tokens"));
    assertEquals(5L + completionTokens, usage.get("total_tokens"));
  }

  @Test
  void sameSeedSameChoicesOtherSeedOtherChoices() throws Exception {
    startDefault();
    String req = "{\"model\":\"m\",\"prompt\":[3,4],\"n\":2,\"max_tokens\":8,\"seed\":%d,\"return_token_ids\":true}";
    Object a = json(post("v1/completions", String.format(req, 11))).get("choices");
    Object b = json(post("v1/completions", String.format(req, 11))).get("choices");
    Object c = json(post("v1/completions", String.format(req, 12))).get("choices");
    assertEquals(a, b);
    assertNotEquals(a, c);
  }

  @Test
  void textPromptsAreTokenizedRawAndLogprobsAreOptional() throws Exception {
    startDefault();
    Map<String, Object> body = json(post("v1/completions",
        "{\"model\":\"m\",\"prompt\":[\"w1 w2\",\"w9\"],\"max_tokens\":3,\"seed\":1,\"return_token_ids\":true}"));
    List<Map<String, Object>> ch = choices(body);
    assertArrayEquals(new int[] {1, 2}, ints(ch.get(0).get("prompt_token_ids")));
    assertArrayEquals(new int[] {9}, ints(ch.get(1).get("prompt_token_ids")));
    assertNull(ch.get(0).get("logprobs"));
    Map<String, Object> plain = json(post("v1/completions", "{\"model\":\"m\",\"prompt\":\"w1\",\"seed\":1}"));
    assertTrue(!choices(plain).get(0).containsKey("token_ids"));
  }

  @Test
  void stopTokenIdsAllowedTokenIdsAndGreedy() throws Exception {
    startDefault();
    Map<String, Object> allowed = json(post("v1/completions", "{\"model\":\"m\",\"prompt\":[1],\"max_tokens\":16,"
        + "\"seed\":3,\"allowed_token_ids\":[5,6],\"return_token_ids\":true}"));
    for (int t : ints(choices(allowed).get(0).get("token_ids"))) {
      assertTrue(t == 5 || t == 6, "token " + t + " is not allowed");
    }
    Map<String, Object> stopped = json(post("v1/completions", "{\"model\":\"m\",\"prompt\":[1],\"max_tokens\":16,"
        + "\"seed\":3,\"allowed_token_ids\":[5,6],\"stop_token_ids\":[6],\"logprobs\":0,\"return_token_ids\":true}"));
    Map<String, Object> c = choices(stopped).get(0);
    int[] all = ints(choices(allowed).get(0).get("token_ids"));
    int[] cut = ints(c.get("token_ids"));
    int first6 = 0;
    while (first6 < all.length && all[first6] != 6) {
      first6++;
    }
    assertTrue(first6 < all.length, "the fixture draws a 6 within 16 tokens");
    assertEquals(first6 + 1, cut.length);
    assertEquals(6, cut[cut.length - 1]);
    assertEquals("stop", c.get("finish_reason"));
    assertEquals(cut.length, ((List<?>) ((Map<?, ?>) c.get("logprobs")).get("token_logprobs")).size());
    assertEquals(new FakePolicy("x", 0).detokenize(java.util.Arrays.copyOf(cut, cut.length - 1)), c.get("text"));
    Map<String, Object> greedy = json(post("v1/completions", "{\"model\":\"m\",\"prompt\":[1],\"max_tokens\":4,"
        + "\"temperature\":0,\"return_token_ids\":true}"));
    assertArrayEquals(new int[] {1, 1, 1, 1}, ints(choices(greedy).get(0).get("token_ids")));
  }

  @Test
  void tokenizeAndDetokenize() throws Exception {
    startDefault();
    Map<String, Object> t = json(post("tokenize", "{\"model\":\"m\",\"prompt\":\"w3 w4 w5\"}"));
    assertEquals(3L, t.get("count"));
    assertArrayEquals(new int[] {3, 4, 5}, ints(t.get("tokens")));
    assertEquals(8L, t.get("max_model_len"));
    Map<String, Object> d = json(post("detokenize", "{\"model\":\"m\",\"tokens\":[3,4,5]}"));
    assertEquals("w3 w4 w5", d.get("prompt"));
    assertEquals("model", error(post("tokenize", "{\"model\":\"other\",\"prompt\":\"w1\"}"), 404).get("param"));
    assertEquals("tokens", error(post("detokenize", "{\"model\":\"m\",\"tokens\":\"w1\"}"), 400).get("param"));
  }

  @Test
  void malformedJsonIs400WithThePosition() throws Exception {
    startDefault();
    Map<String, Object> e = error(post("v1/completions", "{\"model\": \"m\",\n \"prompt\": [1,}"), 400);
    assertEquals("BadRequestError", e.get("type"));
    assertEquals(400L, e.get("code"));
    assertTrue(((String) e.get("message")).contains("line 2"), (String) e.get("message"));
    assertTrue(((String) error(post("v1/completions", "[1,2]"), 400).get("message")).contains("JSON object"));
  }

  @Test
  void wrongTypesAre400NamingTheField() throws Exception {
    startDefault();
    assertEquals("n", error(post("v1/completions", "{\"model\":\"m\",\"prompt\":[1],\"n\":\"3\"}"), 400).get("param"));
    assertEquals("max_tokens",
        error(post("v1/completions", "{\"model\":\"m\",\"prompt\":[1],\"max_tokens\":1.5}"), 400).get("param"));
    assertEquals("prompt[1]",
        error(post("v1/completions", "{\"model\":\"m\",\"prompt\":[[1],\"w1\"]}"), 400).get("param"));
    assertEquals("prompt[1]", error(post("v1/completions", "{\"model\":\"m\",\"prompt\":[1,-2]}"), 400).get("param"));
    assertEquals("model", error(post("v1/completions", "{\"prompt\":[1]}"), 400).get("param"));
    assertEquals("n", error(post("v1/completions", "{\"model\":\"m\",\"prompt\":[1],\"n\":0}"), 400).get("param"));
    assertEquals("logprobs",
        error(post("v1/completions", "{\"model\":\"m\",\"prompt\":[1],\"logprobs\":5}"), 400).get("param"));
    assertEquals("echo", error(post("v1/completions", "{\"model\":\"m\",\"prompt\":[1],\"echo\":1}"), 400)
        .get("param"));
    assertEquals("max_tokens",
        error(post("v1/completions", "{\"model\":\"m\",\"prompt\":[1],\"max_tokens\":0}"), 400).get("param"));
    assertEquals("stop", error(post("v1/completions", "{\"model\":\"m\",\"prompt\":[1],\"stop\":7}"), 400)
        .get("param"));
    assertEquals("temperature",
        error(post("v1/completions", "{\"model\":\"m\",\"prompt\":[1],\"temperature\":-1}"), 400).get("param"));
    String outside = (String) error(post("v1/completions", "{\"model\":\"m\",\"prompt\":[99]}"), 400).get("message");
    assertTrue(outside.contains("outside"), outside);
  }

  @SuppressWarnings("unchecked")
  @Test
  void echoWithMaxTokens0ReturnsThePromptsLogProbs() throws Exception {
    startDefault();
    HttpResponse<String> r = post("v1/completions", "{\"model\":\"m\",\"prompt\":[[3,4,5,6],[7]],\"n\":2,"
        + "\"max_tokens\":0,\"echo\":true,\"logprobs\":0,\"return_token_ids\":true}");
    assertEquals(200, r.statusCode(), r.body());
    Map<String, Object> body = json(r);
    List<Map<String, Object>> ch = choices(body);
    assertEquals(4, ch.size());
    int[][] prompts = {{3, 4, 5, 6}, {7}};
    for (int i = 0; i < 4; i++) {
      int[] p = prompts[i / 2];
      Map<String, Object> c = ch.get(i);
      assertEquals(policy.detokenize(p), c.get("text"));
      assertEquals("length", c.get("finish_reason"));
      assertArrayEquals(new int[0], ints(c.get("token_ids")));
      assertArrayEquals(p, ints(c.get("prompt_token_ids")));
      Map<String, Object> lp = (Map<String, Object>) c.get("logprobs");
      List<Object> lps = (List<Object>) lp.get("token_logprobs");
      assertEquals(p.length, lps.size());
      assertNull(lps.get(0), "nothing predicts the first prompt token");
      for (int j = 1; j < p.length; j++) {
        assertEquals(FakePolicy.scoreOf(p[j - 1], p[j], j, 0), ((Number) lps.get(j)).floatValue(), "token " + j);
      }
      List<Object> tokens = (List<Object>) lp.get("tokens");
      List<Object> offsets = (List<Object>) lp.get("text_offset");
      for (int j = 0; j < p.length; j++) {
        assertEquals("w" + p[j], tokens.get(j));
        assertEquals((long) policy.detokenize(java.util.Arrays.copyOf(p, j)).length(), offsets.get(j));
      }
    }
    Map<?, ?> usage = (Map<?, ?>) body.get("usage");
    assertEquals(5L, usage.get("prompt_tokens"));
    assertEquals(0L, usage.get("completion_tokens"));
    assertEquals(0, policy.active.get());
  }

  @SuppressWarnings("unchecked")
  @Test
  void echoWithGenerationPrefixesThePromptToTextTokensAndLogProbs() throws Exception {
    startDefault();
    HttpResponse<String> r = post("v1/completions", "{\"model\":\"m\",\"prompt\":\"w3 w4\",\"max_tokens\":3,"
        + "\"seed\":5,\"echo\":true,\"logprobs\":0}");
    assertEquals(200, r.statusCode(), r.body());
    Map<String, Object> c = choices(json(r)).get(0);
    Completion direct = new FakePolicy("fake", 0).generateFromTokens(List.of(new int[] {3, 4}), null,
        new SamplingParams(1.0, 1.0, 0, 3, List.of(), 5)).get(0);
    assertEquals("w3 w4" + direct.text(), c.get("text"));
    Map<String, Object> lp = (Map<String, Object>) c.get("logprobs");
    List<Object> lps = (List<Object>) lp.get("token_logprobs");
    assertEquals(2 + direct.tokens().length, lps.size());
    assertNull(lps.get(0));
    assertEquals(FakePolicy.scoreOf(3, 4, 1, 0), ((Number) lps.get(1)).floatValue());
    for (int j = 0; j < direct.tokens().length; j++) {
      assertEquals(direct.logProbs()[j], ((Number) lps.get(2 + j)).floatValue(), "generated token " + j);
    }
    List<Object> offsets = (List<Object>) lp.get("text_offset");
    assertEquals((long) "w3 w4".length(), offsets.get(2), "the completion's offsets follow the prompt's text");
    HttpResponse<String> noLp = post("v1/completions", "{\"model\":\"m\",\"prompt\":[3,4],\"max_tokens\":0,"
        + "\"echo\":true}");
    assertEquals(200, noLp.statusCode(), noLp.body());
    assertEquals("w3 w4", choices(json(noLp)).get(0).get("text"));
    assertNull(choices(json(noLp)).get(0).get("logprobs"));
  }

  @Test
  void unknownModelIs404NamingTheServedModels() throws Exception {
    startDefault();
    Map<String, Object> e = error(post("v1/completions", "{\"model\":\"gpt-4\",\"prompt\":[1]}"), 404);
    assertEquals("NotFoundError", e.get("type"));
    String msg = (String) e.get("message");
    assertTrue(msg.contains("gpt-4") && msg.contains("[m]"), msg);
  }

  @Test
  void oversizedBodyIs413AndLongPromptIs400() throws Exception {
    startDefault();
    String big = "{\"model\":\"m\",\"prompt\":\"" + "w1 ".repeat(2000) + "\"}";
    Map<String, Object> e = error(post("v1/completions", big), 413);
    assertTrue(((String) e.get("message")).contains("4096"), (String) e.get("message"));
    Map<String, Object> lng = error(post("v1/completions", "{\"model\":\"m\",\"prompt\":[1,2,3,4,5,6,7,8,9]}"), 400);
    assertEquals("prompt", lng.get("param"));
    assertTrue(((String) lng.get("message")).contains("9 tokens"), (String) lng.get("message"));
    assertEquals(0, policy.generateCalls.get(), "rejected requests never reach the policy");
  }

  @Test
  void unknownPathAndWrongMethod() throws Exception {
    startDefault();
    assertEquals(404, get("v1/chat/completions").statusCode());
    assertEquals(405, get("v1/completions").statusCode());
    assertEquals(405, post("health", "{}").statusCode());
  }

  @Test
  void requestTimeoutIs504WhileRunningAnd503WhileQueued() throws Exception {
    start(PolicyServer.builder().policy(policy).modelName("m").requestTimeout(Duration.ofMillis(300)));
    CountDownLatch release = new CountDownLatch(1);
    policy.block = release;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<HttpResponse<String>> first = pool.submit(() -> post("v1/completions", "{\"model\":\"m\",\"prompt\":[1]}"));
      Map<String, Object> e1 = error(first.get(), 504);
      assertEquals("GatewayTimeoutError", e1.get("type"));
      // the first call still holds the policy thread: the next one times out in the queue
      HttpResponse<String> second = post("v1/completions", "{\"model\":\"m\",\"prompt\":[1]}");
      assertEquals("ServiceUnavailableError", error(second, 503).get("type"));
      assertEquals("1", second.headers().firstValue("Retry-After").orElse(null));
    } finally {
      release.countDown();
      pool.shutdown();
    }
  }

  @Test
  void closeWaitsForTheRunningPolicyCallSoThePolicyCanBeClosedAfterIt() throws Exception {
    start(PolicyServer.builder().policy(policy).modelName("m"));
    CountDownLatch release = new CountDownLatch(1);
    policy.block = release;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      pool.submit(() -> post("v1/completions", "{\"model\":\"m\",\"prompt\":[1]}"));
      for (int i = 0; i < 300 && policy.active.get() == 0; i++) {
        Thread.sleep(20);
      }
      assertEquals(1, policy.active.get(), "the request reached the policy");
      pool.submit(() -> {
        Thread.sleep(1500); // longer than the HTTP server's one-second stop
        release.countDown();
        return null;
      });
      server.close();
      assertEquals(0, policy.active.get(), "close() returned while the policy was still generating");
    } finally {
      release.countDown();
      pool.shutdown();
    }
  }

  @Test
  void concurrentRequestsNeverRunThePolicyConcurrently() throws Exception {
    startDefault();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<HttpResponse<String>>> fs = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        int seed = i;
        fs.add(pool.submit(() -> post("v1/completions", "{\"model\":\"m\",\"prompt\":[1,2],\"n\":4,\"max_tokens\":32,"
            + "\"seed\":" + seed + "}")));
      }
      for (Future<HttpResponse<String>> f : fs) {
        assertEquals(200, f.get().statusCode());
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(12, policy.generateCalls.get());
    assertEquals(1, policy.maxActive.get());
  }

  @Test
  void adaptersAbsentAre400() throws Exception {
    startDefault();
    String msg = (String) error(post("v1/load_lora_adapter", "{\"lora_name\":\"a\",\"lora_path\":\"/tmp\"}"), 400)
        .get("message");
    assertTrue(msg.contains("no adapter support"), msg);
    assertEquals(400, post("v1/unload_lora_adapter", "{\"lora_name\":\"a\"}").statusCode());
  }

  @Test
  void adaptersLoadServeAndUnload(@TempDir Path dir) throws Exception {
    FakePolicy second = new FakePolicy("adapter", 5);
    List<String> events = new ArrayList<>();
    AdapterHost host = new AdapterHost() {
      @Override
      public dev.spice.core.PolicyBackend load(String name, Path path) {
        if (path.getFileName().toString().equals("broken")) {
          throw new SpiceException.BackendException("adapter_config.json is missing in " + path);
        }
        events.add("load " + name);
        return second;
      }

      @Override
      public void unload(String name) {
        events.add("unload " + name);
      }
    };
    start(PolicyServer.builder().policy(policy).modelName("m").adapters(host));
    HttpResponse<String> loaded = post("v1/load_lora_adapter",
        "{\"lora_name\":\"sql\",\"lora_path\":" + Json.write(dir.toString()) + "}");
    assertEquals(200, loaded.statusCode(), loaded.body());
    assertEquals("Success: LoRA adapter 'sql' added successfully.", loaded.body());
    List<?> data = (List<?>) json(get("v1/models")).get("data");
    assertEquals(2, data.size());
    assertEquals("sql", ((Map<?, ?>) data.get(1)).get("id"));
    assertEquals("m", ((Map<?, ?>) data.get(1)).get("parent"));
    assertEquals(dir.toString(), ((Map<?, ?>) data.get(1)).get("root"));

    Map<String, Object> viaAdapter = json(post("v1/completions",
        "{\"model\":\"sql\",\"prompt\":[1],\"max_tokens\":2,\"seed\":1,\"logprobs\":0}"));
    assertEquals("sql", viaAdapter.get("model"));
    double lp = ((Number) ((List<?>) ((Map<?, ?>) choices(viaAdapter).get(0).get("logprobs")).get("token_logprobs"))
        .get(0)).doubleValue();
    assertTrue(lp < -5, "the adapter's policy (offset 5) answered: " + lp);
    assertEquals(1, second.generateCalls.get());
    assertEquals(0, policy.generateCalls.get());

    assertEquals("lora_name", error(post("v1/load_lora_adapter",
        "{\"lora_name\":\"sql\",\"lora_path\":" + Json.write(dir.toString()) + "}"), 400).get("param"));
    assertEquals("lora_path", error(post("v1/load_lora_adapter",
        "{\"lora_name\":\"b\",\"lora_path\":\"/no/such/adapter\"}"), 400).get("param"));
    Path broken = java.nio.file.Files.createDirectory(dir.resolve("broken"));
    String brokenMsg = (String) error(post("v1/load_lora_adapter",
        "{\"lora_name\":\"b\",\"lora_path\":" + Json.write(broken.toString()) + "}"), 400).get("message");
    assertTrue(brokenMsg.contains("adapter_config.json"), brokenMsg);

    HttpResponse<String> unloaded = post("v1/unload_lora_adapter", "{\"lora_name\":\"sql\"}");
    assertEquals("Success: LoRA adapter 'sql' removed successfully.", unloaded.body());
    assertEquals(List.of("load sql", "unload sql"), events);
    assertEquals("NotFoundError", error(post("v1/unload_lora_adapter", "{\"lora_name\":\"sql\"}"), 404).get("type"));
    assertEquals(404, post("v1/completions", "{\"model\":\"sql\",\"prompt\":[1]}").statusCode());
  }

  @Test
  void builderFailsFast() {
    assertThrows(SpiceException.ConfigurationException.class, () -> PolicyServer.builder().modelName("m").build());
    assertThrows(SpiceException.ConfigurationException.class, () -> PolicyServer.builder().policy(policy).build());
    String msg = assertThrows(SpiceException.ConfigurationException.class,
        () -> PolicyServer.builder().policy(policy).modelName("m").host("8.8.8.8").build()).getMessage();
    assertTrue(msg.contains("allowNonLoopback"), msg);
    assertThrows(SpiceException.ConfigurationException.class,
        () -> PolicyServer.builder().policy(policy).modelName("m").port(70000).build());
    assertThrows(SpiceException.ConfigurationException.class,
        () -> PolicyServer.builder().policy(policy).modelName("m").requestTimeout(Duration.ZERO).build());
    PolicyServer s = PolicyServer.builder().policy(policy).modelName("m").build();
    assertThrows(IllegalStateException.class, s::port);
    s.start();
    assertThrows(IllegalStateException.class, s::start);
    s.close();
    s.close();
  }

  @Test
  void defaultSpiRejectsTokenPrompts() {
    dev.spice.core.PolicyBackend bare = new dev.spice.core.PolicyBackend() {
      @Override
      public String name() {
        return "bare";
      }

      @Override
      public List<Completion> generate(List<dev.spice.core.Prompt> prompts, SamplingParams params) {
        return List.of();
      }

      @Override
      public List<float[]> scoreContinuations(List<dev.spice.core.Prompt> prompts, List<int[]> c) {
        return List.of();
      }

      @Override
      public int[] tokenize(String text) {
        return new int[] {1};
      }

      @Override
      public String detokenize(int[] tokens) {
        return "";
      }
    };
    server = PolicyServer.builder().policy(bare).modelName("m").build().start();
    try {
      Map<String, Object> e = error(post("v1/completions", "{\"model\":\"m\",\"prompt\":[1]}"), 501);
      assertTrue(((String) e.get("message")).contains("bare"), (String) e.get("message"));
    } catch (IOException | InterruptedException ex) {
      throw new AssertionError(ex);
    }
  }

  /** A policy whose every call throws {@link #failure}. */
  private static final class FailingPolicy implements dev.spice.core.PolicyBackend {
    volatile RuntimeException failure;
    volatile Error error;

    private <T> T fail() {
      if (error != null) {
        throw error;
      }
      throw failure;
    }

    @Override
    public String name() {
      return "failing";
    }

    @Override
    public List<Completion> generate(List<dev.spice.core.Prompt> prompts, SamplingParams params) {
      return fail();
    }

    @Override
    public List<Completion> generateFromTokens(List<int[]> prompts, int[] allowed, SamplingParams params) {
      return fail();
    }

    @Override
    public List<float[]> scoreContinuations(List<dev.spice.core.Prompt> prompts, List<int[]> c) {
      return fail();
    }

    @Override
    public int[] tokenize(String text) {
      return fail();
    }

    @Override
    public String detokenize(int[] tokens) {
      return fail();
    }
  }

  @Test
  void badInputIs400UnsupportedIs501AndTheBackendsOwnFailuresAre500WithAShortMessage() throws Exception {
    FailingPolicy failing = new FailingPolicy();
    start(PolicyServer.builder().policy(failing).modelName("m"));
    String req = "{\"model\":\"m\",\"prompt\":[1],\"max_tokens\":2}";
    Map<RuntimeException, Integer> cases = new java.util.LinkedHashMap<>();
    cases.put(new IllegalArgumentException("temperature must be > 0, got -1.0"), 400);
    cases.put(new SpiceException.ConfigurationException("seed must be >= 0"), 400);
    cases.put(new SpiceException.InvalidInputException("prompt 0: token id 99 is outside [0, 50)"), 400);
    cases.put(new SpiceException.UnsupportedOperation("backend 'failing' does not implement generateFromTokens"), 501);
    // Before: any BackendException was a 400, as if the client had sent something wrong.
    cases.put(new SpiceException.BackendException("CUDA error: an illegal memory access was encountered"), 500);
    cases.put(new IllegalStateException("the native session was released"), 500);
    for (Map.Entry<RuntimeException, Integer> c : cases.entrySet()) {
      failing.failure = c.getKey();
      Map<String, Object> e = error(post("v1/completions", req), c.getValue());
      String msg = (String) e.get("message");
      assertTrue(msg.contains(c.getKey().getMessage()), msg);
      if (c.getValue() == 500) {
        assertEquals("InternalServerError", e.get("type"));
        assertEquals("the server failed to answer the request: " + c.getKey().getMessage()
            + " (details in the server log)", msg);
      }
    }
    failing.error = new OutOfMemoryError("Java heap space");
    assertEquals("the server failed to answer the request: Java heap space (details in the server log)",
        error(post("v1/completions", req), 500).get("message"));
    failing.error = null;
    failing.failure = new NullPointerException();
    assertEquals("the server failed to answer the request: unexpected NullPointerException (details in the server "
        + "log)", error(post("v1/completions", req), 500).get("message"));
    failing.failure = new SpiceException.BackendException("native failure: " + "x".repeat(500) + "\n\tat native.so");
    String cut = (String) error(post("v1/completions", req), 500).get("message");
    assertTrue(cut.length() < 300 && !cut.contains("native.so") && cut.contains(" ..."), cut);
    // the text-prompt path (tokenize) maps the same way
    failing.failure = new SpiceException.BackendException("tokenizer crashed");
    error(post("tokenize", "{\"model\":\"m\",\"prompt\":\"w1\"}"), 500);
    failing.failure = new SpiceException.InvalidInputException("word 'zz' is not in the vocabulary");
    error(post("tokenize", "{\"model\":\"m\",\"prompt\":\"zz\"}"), 400);
  }

  @Test
  void theBackendsOwnFailureIsLoggedAtErrorWithItsStackTrace() throws Exception {
    FailingPolicy failing = new FailingPolicy();
    failing.failure = new SpiceException.BackendException("CUDA error: out of memory");
    start(PolicyServer.builder().policy(failing).modelName("m"));
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      error(post("v1/completions", "{\"model\":\"m\",\"prompt\":[1]}"), 500);
    } finally {
      System.setErr(err);
    }
    String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(log.contains("ERROR") && log.contains("POST /v1/completions failed"), log);
    assertTrue(log.contains("CUDA error: out of memory") && log.contains("at dev.spice.serve.PolicyServerTest"), log);
  }

  @Test
  void anAdapterHostsRefusalIs400AndItsOwnFailureIs500() throws Exception {
    AdapterHost host = new AdapterHost() {
      @Override
      public dev.spice.core.PolicyBackend load(String name, Path path) {
        if (name.equals("refused")) {
          throw new SpiceException.ConfigurationException("adapter r 8 does not match the base's r 4");
        }
        throw new IllegalStateException("the GPU allocator failed");
      }

      @Override
      public void unload(String name) {}
    };
    start(PolicyServer.builder().policy(policy).modelName("m").adapters(host));
    String refused = (String) error(post("v1/load_lora_adapter", "{\"lora_name\":\"refused\",\"lora_path\":"
        + Json.write(System.getProperty("java.io.tmpdir")) + "}"), 400).get("message");
    assertTrue(refused.contains("adapter r 8 does not match"), refused);
    String failed = (String) error(post("v1/load_lora_adapter", "{\"lora_name\":\"other\",\"lora_path\":"
        + Json.write(System.getProperty("java.io.tmpdir")) + "}"), 500).get("message");
    assertEquals("the server failed to answer the request: the GPU allocator failed (details in the server log)",
        failed);
    assertEquals(1, ((List<?>) json(get("v1/models")).get("data")).size(), "nothing is served after a failed load");
  }
}
