package dev.spice.examples.hybrid;

import dev.spice.core.Document;
import dev.spice.core.PolicyBackend;
import dev.spice.core.SamplingParams;
import dev.spice.core.engine.SelfPlay;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.roles.Roles;
import dev.spice.core.testing.ListCorpus;
import dev.spice.core.text.WordTokenizer;
import dev.spice.djl.DjlPolicy;
import dev.spice.djl.LoraSettings;
import dev.spice.djl.OptimizerSettings;
import dev.spice.examples.HybridTrainingExample;
import dev.spice.remote.RemoteAdapterSync;
import dev.spice.remote.RemotePolicy;
import dev.spice.rewards.Presets;
import dev.spice.serve.AdapterHost;
import dev.spice.serve.PolicyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Hybrid training on loopback, all in this JVM: a {@link PolicyServer} over a tiny random DJL
 * checkpoint with a LoRA {@link AdapterHost}, a {@link RemotePolicy} to it, a DJL LoRA trainer over
 * the same checkpoint, and a {@link RemoteAdapterSync} that publishes the trainer's adapter. Close
 * it to stop the server and free the policies.
 */
final class HybridRig implements AutoCloseable {
  static final String MODEL = "tiny";
  static final List<String> WORDS = List.of("document:", "question:", "answer:", "what", "follows", "?", "sky",
      "sea", "grass", "is", "blue", "green", "wet");
  static final LoraSettings LORA = LoraSettings.builder().rank(4).alpha(8).build();

  final Path base;
  final Path adapters;
  final RecordingAdapterHost host;
  final DjlPolicy served;
  final PolicyServer server;
  final RemotePolicy remote;
  final DjlPolicy trainer;
  final RemoteAdapterSync sync;

  /**
   * Starts a server on an ephemeral loopback port and connects to it.
   *
   * @param base the checkpoint folder ({@link #tinyModel})
   * @param adapters where the sync writes adapters (the server reads them from there)
   * @param attempts the client's attempts per request (2 to fail fast in tests)
   */
  HybridRig(Path base, Path adapters, int attempts) {
    this.base = base;
    this.adapters = adapters;
    this.served = DjlPolicy.builder().pretrained(base).threads(1).build();
    this.host = new RecordingAdapterHost(served);
    PolicyServer s = null;
    RemotePolicy r = null;
    DjlPolicy t = null;
    try {
      s = PolicyServer.builder().policy(served).modelName(MODEL).port(0).adapters(host).build().start();
      r = RemotePolicy.builder().baseUrl(s.uri()).model(MODEL).stopTokens(WordTokenizer.EOS)
          .retries(attempts, Duration.ofMillis(10), Duration.ofMillis(50))
          .connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(60)).maxConcurrentRequests(4)
          .build();
      t = DjlPolicy.builder().pretrained(base).lora(LORA).optimizer(OptimizerSettings.adamW(5e-2)).threads(1).build();
    } catch (RuntimeException e) {
      if (t != null) {
        t.close();
      }
      if (r != null) {
        r.close();
      }
      if (s != null) {
        s.close();
      }
      served.close();
      host.close();
      throw e;
    }
    this.server = s;
    this.remote = r;
    this.trainer = t;
    DjlPolicy trained = t;
    this.sync = RemoteAdapterSync.builder(r).adapterRoot(adapters).prefix("spice")
        .writer((policy, dir) -> trained.saveAdapter(dir)).keepAdapters(2).build();
  }

  /** Writes a tiny random checkpoint (config, weights, tokenizer) of {@link #WORDS} into {@code dir}. */
  static Path tinyModel(Path dir) {
    WordTokenizer tok = WordTokenizer.withSpecialTokens(WORDS);
    try (DjlPolicy p = DjlPolicy.builder().randomInit(TransformerConfig.tiny(tok.vocabSize(), 16, 1, 2, 2), 3)
        .tokenizer(tok).build()) {
      p.savePretrained(dir);
    }
    return dir;
  }

  /** The engine: rollouts on the server, updates in the trainer, a publish after every update. */
  SelfPlay.Builder engine() {
    List<Document> docs = List.of(Document.of("d0", "sky is blue", "t"), Document.of("d1", "sea is wet", "t"),
        Document.of("d2", "grass is green", "t"), Document.of("d3", "sea is blue", "t"));
    return SelfPlay.builder().policy(trainer).rollouts(remote).policySync(sync, 1)
        .corpus(new ListCorpus("t", docs, 11))
        .recipe(Presets.builder(Presets.spice()).challengerGroupSize(4).reasonerGroupSize(4).build())
        .challenger(Roles.textChallenger(new HybridTrainingExample.NextWordCodec()))
        .reasoner(Roles.textReasoner((text, task) -> HybridTrainingExample.firstWord(text)))
        .challengerSampling(new SamplingParams(1.0, 1.0, 0, 3, List.of(), 0))
        .reasonerSampling(new SamplingParams(1.0, 1.0, 0, 3, List.of(), 0))
        .batchSize(2).seed(5);
  }

  @Override
  public void close() {
    try (host; served; trainer; remote) {
      server.close();
    }
  }

  /**
   * The server's adapters: {@link dev.spice.examples.cli.DjlAdapterHost} (per adapter a DJL policy
   * sharing the served base policy's weights, with the adapter's PEFT files), with the calls recorded
   * in order.
   */
  static final class RecordingAdapterHost implements AdapterHost, AutoCloseable {
    private final dev.spice.examples.cli.DjlAdapterHost host;
    final List<String> calls = new ArrayList<>();

    RecordingAdapterHost(DjlPolicy served) {
      this.host = new dev.spice.examples.cli.DjlAdapterHost(served, 4);
    }

    @Override
    public synchronized PolicyBackend load(String name, Path path) {
      PolicyBackend p = host.load(name, path);
      calls.add("load " + name);
      return p;
    }

    @Override
    public synchronized void unload(String name) {
      host.unload(name);
      calls.add("unload " + name);
    }

    @Override
    public synchronized void close() {
      host.close();
    }
  }
}
