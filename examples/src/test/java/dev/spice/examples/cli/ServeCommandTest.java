package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.SamplingParams;
import dev.spice.core.internal.json.Json;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.WordTokenizer;
import dev.spice.djl.DjlPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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

/** {@code spice-serve} over a tiny random checkpoint: the server samples exactly what the policy samples in-process. */
class ServeCommandTest {
  @TempDir static Path shared;
  static Path model;

  @BeforeAll
  static void tinyModel() {
    model = shared.resolve("tiny-model");
    WordTokenizer tok = WordTokenizer.withSpecialTokens(List.of("what", "is", "the", "capital", "of", "answer:",
        "paris", "42", "africa", "france"));
    try (DjlPolicy p = DjlPolicy.builder().randomInit(TransformerConfig.tiny(tok.vocabSize(), 16, 1, 2, 2), 3)
        .tokenizer(tok).build()) {
      p.savePretrained(model);
    }
  }

  @SuppressWarnings("unchecked")
  @Test
  void tokenIdCompletionsEqualTheInProcessPolicy() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<URI> started = new CompletableFuture<>();
    CountDownLatch stop = new CountDownLatch(1);
    ExecutorService bg = Executors.newSingleThreadExecutor();
    Future<Integer> code = bg.submit(() -> ServeCommand.execute(new String[] {"--model", model.toString(), "--port",
        "0"}, new PrintWriter(out, true), new PrintWriter(err, true), started, stop));
    try (DjlPolicy local = DjlPolicy.builder().pretrained(model).build()) {
      URI uri = started.get(120, TimeUnit.SECONDS);
      assertTrue(out.toString().contains("serving 'tiny-model'"), out.toString());
      assertEquals(ServeCommand.arenaHint(System.getenv("MALLOC_ARENA_MAX"), System.getProperty("os.name")),
          out.toString().contains("hint: start spice-serve with MALLOC_ARENA_MAX=1"), out.toString());
      int[] prompt = local.tokenize("what is the capital of france answer:");
      HttpClient client = HttpClient.newHttpClient();
      String body = "{\"model\":\"tiny-model\",\"prompt\":" + Json.write(boxed(prompt)) + ",\"n\":2,\"max_tokens\":8,"
          + "\"seed\":42,\"logprobs\":0,\"return_token_ids\":true}";
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri.resolve("v1/completions"))
          .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      List<Map<String, Object>> choices = (List<Map<String, Object>>) Json.parseObject(r.body()).get("choices");
      List<Completion> direct = local.generateFromTokens(List.of(prompt, prompt), null,
          new SamplingParams(1.0, 1.0, 0, 8, List.of(), 42));
      assertEquals(2, choices.size());
      for (int i = 0; i < 2; i++) {
        Map<String, Object> c = choices.get(i);
        assertArrayEquals(prompt, ints(c.get("prompt_token_ids")));
        assertArrayEquals(direct.get(i).tokens(), ints(c.get("token_ids")), "choice " + i);
        List<?> lps = (List<?>) ((Map<?, ?>) c.get("logprobs")).get("token_logprobs");
        float[] want = direct.get(i).logProbs();
        assertEquals(want.length, lps.size());
        for (int j = 0; j < want.length; j++) {
          assertEquals(want[j], ((Number) lps.get(j)).doubleValue(), 1e-6, "choice " + i + " token " + j);
        }
      }
      HttpResponse<String> models = client.send(HttpRequest.newBuilder(uri.resolve("v1/models")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(models.body().contains("\"max_model_len\":" + local.config().maxPositionEmbeddings()), models.body());
    } finally {
      stop.countDown();
      bg.shutdown();
    }
    assertEquals(0, code.get(60, TimeUnit.SECONDS), err.toString());
  }

  @Test
  void theArenaHintIsForLinuxWithoutMallocArenaMax() {
    assertTrue(ServeCommand.arenaHint(null, "Linux"));
    assertFalse(ServeCommand.arenaHint("1", "Linux"));
    assertFalse(ServeCommand.arenaHint("4", "Linux"));
    assertFalse(ServeCommand.arenaHint(null, "Mac OS X"));
    assertFalse(ServeCommand.arenaHint(null, "Windows 11"));
  }

  @Test
  void badOptionsExitWith2NamingTheOption() {
    StringWriter err = new StringWriter();
    int code = ServeCommand.execute(new String[] {"--model", model.toString(), "--host", "8.8.8.8"},
        new PrintWriter(new StringWriter()), new PrintWriter(err, true), new CompletableFuture<>(), new CountDownLatch(0));
    assertEquals(2, code);
    assertTrue(err.toString().contains("--allow-remote"), err.toString());
    StringWriter err2 = new StringWriter();
    assertEquals(2, ServeCommand.execute(new String[] {"--port", "0"}, new PrintWriter(new StringWriter()),
        new PrintWriter(err2, true), new CompletableFuture<>(), new CountDownLatch(0)));
    assertTrue(err2.toString().contains("--model"), err2.toString());
  }

  private static List<Integer> boxed(int[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }

  private static int[] ints(Object list) {
    return ((List<?>) list).stream().mapToInt(o -> ((Long) o).intValue()).toArray();
  }
}
