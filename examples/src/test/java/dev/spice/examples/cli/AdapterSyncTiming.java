package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.WordTokenizer;
import dev.spice.djl.DjlPolicy;
import dev.spice.djl.LoraSettings;
import dev.spice.serve.PolicyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not a test (no timing is asserted; it runs only with {@code -Dspice.timing=true}):
 * the time of one adapter sync on the quickstart-sized model (hidden 64, 2 layers, 4 heads, a
 * 1000-word vocabulary, LoRA rank 8 on all seven modules): {@code saveAdapter}, {@code POST
 * /v1/load_lora_adapter} to a {@link PolicyServer} with a {@link DjlAdapterHost}, and the first
 * token of {@code POST /v1/completions} for the new adapter (the previous one is unloaded after).
 *
 * <pre>
 * mvn -B -o -q -pl examples -am test -Dtest=AdapterSyncTiming -Dsurefire.failIfNoSpecifiedTests=false -Dspice.timing=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "spice.timing", matches = "true")
class AdapterSyncTiming {
  @TempDir Path dir;

  @Test
  void adapterSync() throws Exception {
    List<String> words = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      words.add("w" + i);
    }
    WordTokenizer tok = WordTokenizer.withSpecialTokens(words);
    Path base = dir.resolve("base");
    try (DjlPolicy p = DjlPolicy.builder().randomInit(TransformerConfig.tiny(tok.vocabSize(), 64, 2, 4, 4), 1)
        .tokenizer(tok).build()) {
      p.savePretrained(base);
    }
    HttpClient client = HttpClient.newHttpClient();
    int rounds = Integer.getInteger("spice.timing.rounds", 12);
    long[] write = new long[rounds];
    long[] load = new long[rounds];
    long[] first = new long[rounds];
    try (DjlPolicy trainer = DjlPolicy.builder().pretrained(base).lora(LoraSettings.builder().rank(8).alpha(16).build())
        .build();
        DjlPolicy served = DjlPolicy.builder().pretrained(base).build();
        DjlAdapterHost host = new DjlAdapterHost(() -> DjlPolicy.builder().pretrained(base)
            .tokenizer(served.tokenizer()), 2);
        PolicyServer server = PolicyServer.builder().policy(served).modelName("base").adapters(host).build().start()) {
      URI uri = server.uri();
      String prompt = "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]";
      for (int k = 0; k < rounds; k++) {
        Path out = dir.resolve("v" + k);
        long t0 = System.nanoTime();
        trainer.saveAdapter(out);
        long t1 = System.nanoTime();
        HttpResponse<String> r = post(client, uri, "v1/load_lora_adapter", "{\"lora_name\":\"policy-v" + k
            + "\",\"lora_path\":\"" + out + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        long t2 = System.nanoTime();
        r = post(client, uri, "v1/completions", "{\"model\":\"policy-v" + k + "\",\"prompt\":" + prompt
            + ",\"max_tokens\":1,\"seed\":1,\"logprobs\":0}");
        assertEquals(200, r.statusCode(), r.body());
        long t3 = System.nanoTime();
        write[k] = t1 - t0;
        load[k] = t2 - t1;
        first[k] = t3 - t2;
        if (k > 0) {
          assertEquals(200, post(client, uri, "v1/unload_lora_adapter", "{\"lora_name\":\"policy-v" + (k - 1) + "\"}")
              .statusCode());
        }
      }
    }
    System.out.printf("adapter sync, %d rounds (first 2 dropped as warm-up): write %s ms, load %s ms, "
        + "first token %s ms, total %s ms (median [min, max])%n", rounds, stats(write), stats(load), stats(first),
        stats(sum(write, load, first)));
  }

  private static long[] sum(long[] a, long[] b, long[] c) {
    long[] out = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] + b[i] + c[i];
    }
    return out;
  }

  private static String stats(long[] ns) {
    long[] s = Arrays.copyOfRange(ns, Math.min(2, ns.length - 1), ns.length);
    Arrays.sort(s);
    return String.format("%.1f [%.1f, %.1f]", s[s.length / 2] / 1e6, s[0] / 1e6, s[s.length - 1] / 1e6);
  }

  private static HttpResponse<String> post(HttpClient client, URI uri, String path, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(uri.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
