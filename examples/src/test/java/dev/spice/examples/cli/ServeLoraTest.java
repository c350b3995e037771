package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.SamplingParams;
import dev.spice.core.SupervisedSample;
import dev.spice.core.internal.json.Json;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.WordTokenizer;
import dev.spice.djl.DjlPolicy;
import dev.spice.djl.LoraSettings;
import dev.spice.djl.OptimizerSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spice-serve --enable-lora}: an adapter trained in-process, saved in PEFT's layout and
 * loaded over HTTP is served with the trained policy's log-probs; unloading it makes its name a 404.
 */
class ServeLoraTest {
  @TempDir static Path shared;
  static Path base;
  static Path adapter;
  static DjlPolicy trained;
  static DjlPolicy basePolicy;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void trainAnAdapter() {
    base = shared.resolve("tiny-base");
    WordTokenizer tok = WordTokenizer.withSpecialTokens(List.of("what", "is", "the", "capital", "of", "answer:",
        "paris", "42", "africa", "france"));
    try (DjlPolicy p = DjlPolicy.builder().randomInit(TransformerConfig.tiny(tok.vocabSize(), 16, 2, 2, 2), 3)
        .tokenizer(tok).build()) {
      p.savePretrained(base);
    }
    trained = DjlPolicy.builder().pretrained(base)
        .lora(LoraSettings.builder().rank(4).alpha(8).seed(5).build()).optimizer(OptimizerSettings.adamW(3e-2)).build();
    List<SupervisedSample> docs = List.of(
        SupervisedSample.of(trained.tokenize("what is the capital of france answer:"), trained.tokenize("paris")),
        SupervisedSample.of(trained.tokenize("what is 42"), trained.tokenize("the answer: 42")));
    for (int i = 0; i < 4; i++) {
      assertFalse(trained.supervisedUpdate(docs).skipped());
    }
    adapter = shared.resolve("adapter");
    trained.saveAdapter(adapter);
    basePolicy = DjlPolicy.builder().pretrained(base).build();
  }

  @org.junit.jupiter.api.AfterAll
  static void closePolicies() {
    trained.close();
    basePolicy.close();
  }

  private HttpResponse<String> post(URI uri, String path, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(uri.resolve(path)).timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> choices(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    return (List<Map<String, Object>>) Json.parseObject(r.body()).get("choices");
  }

  private static float[] logProbs(Map<String, Object> choice, int from) {
    List<?> lps = (List<?>) ((Map<?, ?>) choice.get("logprobs")).get("token_logprobs");
    float[] out = new float[lps.size() - from];
    for (int j = from; j < lps.size(); j++) {
      out[j - from] = ((Number) lps.get(j)).floatValue();
    }
    return out;
  }

  private static String message(HttpResponse<String> r) {
    return (String) ((Map<?, ?>) Json.parseObject(r.body()).get("error")).get("message");
  }

  private interface Body {
    void run(URI uri) throws Exception;
  }

  private static void serve(List<String> extra, Body body) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<URI> started = new CompletableFuture<>();
    CountDownLatch stop = new CountDownLatch(1);
    ExecutorService bg = Executors.newSingleThreadExecutor();
    List<String> args = new java.util.ArrayList<>(List.of("--model", base.toString(), "--port", "0", "--name",
        "base"));
    args.addAll(extra);
    Future<Integer> code = bg.submit(() -> ServeCommand.execute(args.toArray(String[]::new), new PrintWriter(out, true),
        new PrintWriter(err, true), started, stop));
    try {
      body.run(started.get(120, TimeUnit.SECONDS));
    } finally {
      stop.countDown();
      bg.shutdown();
    }
    assertEquals(0, code.get(60, TimeUnit.SECONDS), err.toString());
  }

  @Test
  void aLoadedAdapterServesTheTrainedPolicysLogProbsUntilUnloaded() throws Exception {
    int[] prompt = trained.tokenize("what is the capital of france answer: paris");
    int[] head = Arrays.copyOf(prompt, 1);
    int[] rest = Arrays.copyOfRange(prompt, 1, prompt.length);
    float[] wantLora = trained.scoreFromTokens(List.of(head), List.of(rest)).get(0);
    float[] wantBase = basePolicy.scoreFromTokens(List.of(head), List.of(rest)).get(0);
    SamplingParams sp = new SamplingParams(1.0, 1.0, 0, 5, List.of(), 21);
    Completion sampled = trained.generateFromTokens(List.of(prompt), null, sp).get(0);
    serve(List.of("--enable-lora"), uri -> {
      HttpResponse<String> load = post(uri, "v1/load_lora_adapter",
          "{\"lora_name\":\"capitals\",\"lora_path\":" + Json.write(adapter.toString()) + "}");
      assertEquals(200, load.statusCode(), load.body());
      assertEquals("Success: LoRA adapter 'capitals' added successfully.", load.body());
      String echo = ",\"prompt\":" + Json.write(Arrays.stream(prompt).boxed().toList())
          + ",\"max_tokens\":0,\"echo\":true,\"logprobs\":0}";
      float[] viaAdapter = logProbs(choices(post(uri, "v1/completions", "{\"model\":\"capitals\"" + echo)).get(0), 1);
      float[] viaBase = logProbs(choices(post(uri, "v1/completions", "{\"model\":\"base\"" + echo)).get(0), 1);
      double maxDiff = 0;
      for (int j = 0; j < rest.length; j++) {
        assertEquals(wantLora[j], viaAdapter[j], 1e-5, "adapter token " + j);
        assertEquals(wantBase[j], viaBase[j], 1e-5, "base token " + j);
        maxDiff = Math.max(maxDiff, Math.abs(viaAdapter[j] - viaBase[j]));
      }
      assertTrue(maxDiff > 1e-2, "the trained adapter changes the log-probs, max difference " + maxDiff);
      Map<String, Object> gen = choices(post(uri, "v1/completions", "{\"model\":\"capitals\",\"prompt\":"
          + Json.write(Arrays.stream(prompt).boxed().toList()) + ",\"max_tokens\":5,\"seed\":21,\"logprobs\":0}"))
          .get(0);
      float[] lps = logProbs(gen, 0);
      assertEquals(sampled.logProbs().length, lps.length);
      for (int j = 0; j < lps.length; j++) {
        assertEquals(sampled.logProbs()[j], lps[j], 1e-5, "sampled token " + j);
      }
      assertTrue(client.send(HttpRequest.newBuilder(uri.resolve("v1/models")).build(),
          HttpResponse.BodyHandlers.ofString()).body().contains("\"id\":\"capitals\""));

      HttpResponse<String> unload = post(uri, "v1/unload_lora_adapter", "{\"lora_name\":\"capitals\"}");
      assertEquals(200, unload.statusCode(), unload.body());
      HttpResponse<String> gone = post(uri, "v1/completions", "{\"model\":\"capitals\"" + echo);
      assertEquals(404, gone.statusCode(), gone.body());
      assertTrue(message(gone).contains("capitals") && message(gone).contains("[base]"), message(gone));
    });
  }

  @Test
  void badPathsAndTooManyAdaptersAre400sNamingTheProblem() throws Exception {
    Path notAnAdapter = Files.createDirectories(shared.resolve("not-an-adapter"));
    serve(List.of("--enable-lora", "--max-loras", "1"), uri -> {
      HttpResponse<String> r = post(uri, "v1/load_lora_adapter",
          "{\"lora_name\":\"x\",\"lora_path\":" + Json.write(notAnAdapter.toString()) + "}");
      assertEquals(400, r.statusCode(), r.body());
      assertTrue(message(r).contains("adapter_config.json"), message(r));
      HttpResponse<String> notLora = post(uri, "v1/load_lora_adapter",
          "{\"lora_name\":\"y\",\"lora_path\":" + Json.write(base.toString()) + "}");
      assertEquals(400, notLora.statusCode(), notLora.body());
      assertTrue(message(notLora).contains("adapter_config.json"), message(notLora));
      assertEquals(200, post(uri, "v1/load_lora_adapter",
          "{\"lora_name\":\"a\",\"lora_path\":" + Json.write(adapter.toString()) + "}").statusCode());
      HttpResponse<String> second = post(uri, "v1/load_lora_adapter",
          "{\"lora_name\":\"b\",\"lora_path\":" + Json.write(adapter.toString()) + "}");
      assertEquals(400, second.statusCode(), second.body());
      assertTrue(message(second).contains("--max-loras 1") && message(second).contains("[a]"), message(second));
      assertEquals(200, post(uri, "v1/unload_lora_adapter", "{\"lora_name\":\"a\"}").statusCode());
      assertEquals(200, post(uri, "v1/load_lora_adapter",
          "{\"lora_name\":\"b\",\"lora_path\":" + Json.write(adapter.toString()) + "}").statusCode());
    });
  }

  @Test
  void withoutEnableLoraLoadingIs400AndLoraOptionsAreChecked() throws Exception {
    serve(List.of(), uri -> {
      HttpResponse<String> r = post(uri, "v1/load_lora_adapter",
          "{\"lora_name\":\"x\",\"lora_path\":" + Json.write(adapter.toString()) + "}");
      assertEquals(400, r.statusCode(), r.body());
    });
    StringWriter err = new StringWriter();
    assertEquals(2, ServeCommand.execute(new String[] {"--model", base.toString(), "--max-loras", "2"},
        new PrintWriter(new StringWriter()), new PrintWriter(err, true), new CompletableFuture<>(), new CountDownLatch(0)));
    assertTrue(err.toString().contains("--enable-lora"), err.toString());
    StringWriter err2 = new StringWriter();
    assertEquals(2, ServeCommand.execute(new String[] {"--onnx", base.toString(), "--enable-lora"},
        new PrintWriter(new StringWriter()), new PrintWriter(err2, true), new CompletableFuture<>(),
        new CountDownLatch(0)));
    assertTrue(err2.toString().contains("--enable-lora needs --model"), err2.toString());
  }
}
