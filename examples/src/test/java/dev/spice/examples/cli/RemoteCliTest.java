package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.engine.MetricNames;
import dev.spice.core.internal.json.Json;
import dev.spice.djl.DjlPolicy;
import dev.spice.serve.PolicyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spice train} against a {@link PolicyServer} in this JVM over the same tiny checkpoint:
 * hybrid training ({@code rollout_url}, the adapter pushed to the server's {@link DjlAdapterHost}
 * after every update), resumed against a server on another port, and a remote fixed Challenger
 * ({@code challenger_url}).
 */
class RemoteCliTest {
  private static final double TOLERANCE = 1e-4;

  @TempDir Path dir;

  /** A server of the base checkpoint named "tiny", with LoRA adapters loaded from disk on request. */
  private static final class Server implements AutoCloseable {
    final DjlAdapterHost host;
    final DjlPolicy base;
    final PolicyServer server;

    Server(Path model) {
      host = new DjlAdapterHost(() -> DjlPolicy.builder().pretrained(model).threads(1), 4);
      base = DjlPolicy.builder().pretrained(model).threads(1).build();
      server = PolicyServer.builder().policy(base).modelName("tiny").port(0).adapters(host).build().start();
    }

    String url() {
      return server.uri().toString();
    }

    @Override
    public void close() {
      try (host; base) {
        server.close();
      }
    }
  }

  @Test
  void hybridRunSamplesOnTheServerWithTheTrainersWeightsAndResumesAgainstAMovedServer() throws Exception {
    Path model = CliRig.tinyModel(dir.resolve("model"));
    Path corpus = CliRig.corpus(dir);
    Path out = dir.resolve("run");
    try (Server a = new Server(model)) {
      CliRig.Result r = CliRig.spice(CliRig.train(model, corpus, out, 2, "lora_rank=4", "rollout_url=" + a.url(),
          "rollout_model=tiny", "rollout_concurrency=2"));
      assertEquals(0, r.code(), r.toString());
      assertTrue(r.out().contains("hybrid training: rollouts on " + a.url()), r.out());
      assertTrue(r.out().contains("the server is spice serve (owned_by spice): one batched request per batch "
          + "(rollout_batch_prompts=auto)"), r.out());
      assertEquals(List.of("spice-v1"), a.host.loaded(), "the last pushed adapter is served, the one before unloaded");
    }
    List<Map<?, ?>> metrics = metrics(out);
    assertEquals(2, metrics.size());
    for (int i = 0; i < 2; i++) {
      Map<?, ?> m = metrics.get(i);
      double diff = ((Number) m.get(MetricNames.ROLLOUT_LOGPROB_DIFF_MAX)).doubleValue();
      assertTrue(diff <= TOLERANCE, "iteration " + i + ": rollout/logprob_diff_max " + diff);
      System.out.printf("hybrid iteration %d: rollout/logprob_diff_max %.3g%n", i, diff);
      assertEquals(i, ((Number) m.get(MetricNames.ROLLOUT_POLICY_VERSION)).intValue(), "iteration " + i + ": " + m);
    }
    assertTrue(Files.isRegularFile(out.resolve("adapters").resolve("spice-v1").resolve("adapter_config.json")));
    assertTrue(Files.isRegularFile(out.resolve("final-adapter").resolve("adapter_config.json")));
    assertTrue(Files.isRegularFile(out.resolve("final-model").resolve("config.json")));

    // the server moved to another port: rollout_url may change on resume, the model name may not
    try (Server b = new Server(model)) {
      CliRig.Result moved = CliRig.spice(List.of("train", "--resume", out.toString(), "--iterations", "3", "--set",
          "rollout_url=" + b.url(), "--set", "rollout_concurrency=3"));
      assertEquals(0, moved.code(), moved.toString());
      assertTrue(moved.out().contains("at iteration 2"), moved.out());
      CliRig.Result renamed = CliRig.spice(List.of("train", "--resume", out.toString(), "--iterations", "4", "--set",
          "rollout_model=other"));
      assertEquals(2, renamed.code(), renamed.toString());
      assertTrue(renamed.err().contains("'rollout_model' is \"tiny\" in the run, \"other\""), renamed.err());
    }
    metrics = metrics(out);
    assertEquals(3, metrics.size());
    double diff = ((Number) metrics.get(2).get(MetricNames.ROLLOUT_LOGPROB_DIFF_MAX)).doubleValue();
    assertTrue(diff <= TOLERANCE, "after the resume: rollout/logprob_diff_max " + diff);
    System.out.printf("hybrid iteration 2 (resumed, moved server): rollout/logprob_diff_max %.3g%n", diff);
    assertEquals(2, ((Number) metrics.get(2).get(MetricNames.ROLLOUT_POLICY_VERSION)).intValue());
    Map<?, ?> saved = (Map<?, ?>) Json.parse(Files.readString(out.resolve(SpiceCli.SAVED_CONFIG)));
    assertEquals(3L, saved.get("rollout_concurrency"), "the resumed run's settings are saved");
  }

  @Test
  void remoteChallengerWritesTheTasksAndTheLocalModelTrainsAsReasoner() throws Exception {
    Path model = CliRig.tinyModel(dir.resolve("model"));
    Path corpus = CliRig.corpus(dir);
    Path out = dir.resolve("run");
    try (Server s = new Server(model)) {
      CliRig.Result r = CliRig.spice(CliRig.train(model, corpus, out, 1, "challenger_url=" + s.url(),
          "challenger_model=tiny", "rollout_batch_prompts=true"));
      assertEquals(0, r.code(), r.toString());
      assertTrue(r.out().contains("for the Challenger"), r.out());
    }
    assertEquals(1, metrics(out).size());
    String settings;
    try (Stream<Path> files = Files.walk(out.resolve("checkpoint-00000001"))) {
      settings = files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".json")).map(f -> {
        try {
          return Files.readString(f);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).reduce("", String::concat);
    }
    assertTrue(settings.contains("\"fixed_challenger\":\"remote:tiny\""), "the checkpoint's engine settings: "
        + settings);

    // a refused server: no one listens there
    CliRig.Result down = CliRig.spice(CliRig.train(model, corpus, dir.resolve("run2"), 1,
        "challenger_url=http://127.0.0.1:9", "challenger_model=tiny"));
    assertEquals(1, down.code(), down.toString());
    assertTrue(down.err().contains("127.0.0.1:9"), down.err());
  }

  private static List<Map<?, ?>> metrics(Path out) throws Exception {
    return Files.readAllLines(out.resolve("metrics.jsonl")).stream().filter(l -> !l.isBlank())
        .<Map<?, ?>>map(l -> (Map<?, ?>) ((Map<?, ?>) Json.parse(l)).get("metrics")).toList();
  }
}
