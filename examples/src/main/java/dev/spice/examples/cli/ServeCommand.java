package dev.spice.examples.cli;

import dev.spice.core.PolicyBackend;
import dev.spice.core.SpiceException;
import dev.spice.djl.DjlPolicy;
import dev.spice.onnx.OnnxPolicy;
import dev.spice.serve.PolicyServer;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code spice-serve} command line: loads a policy (a Hugging Face checkpoint through DJL, or
 * an ONNX export) and serves it with {@link PolicyServer}, the OpenAI-compatible subset of vLLM's
 * API described in {@code spice-serve/README.md}, until the process is stopped (Ctrl-C).
 *
 * <p>Exit status: 0 after a clean shutdown, 2 bad command line or settings (the message names the
 * option), 1 the policy could not be loaded or the server failed.
 */
@Command(name = "spice-serve", mixinStandardHelpOptions = true, version = "SPICE for Java 0.1.0", sortOptions = false,
    usageHelpWidth = 110,
    description = {"Serves a policy over HTTP with the OpenAI-compatible subset of vLLM's API: /v1/completions "
        + "(log-probs, echo scoring, token ids, n, seed), /tokenize, /detokenize, /v1/models, /health, and with "
        + "--enable-lora /v1/load_lora_adapter and /v1/unload_lora_adapter.",
        "Binds 127.0.0.1 unless --allow-remote is given."})
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--model", paramLabel = "DIR", description = "Hugging Face checkpoint directory (DJL backend)")
  Path model;

  @Option(names = "--onnx", paramLabel = "DIR", description = "ONNX export: a directory with model.onnx, or the file")
  Path onnx;

  @Option(names = "--name", paramLabel = "NAME",
      description = "the model name clients send as \"model\"; default the folder's name")
  String name;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "address to bind; default ${DEFAULT-VALUE}")
  String host;

  @Option(names = "--allow-remote", description = "allow a non-loopback --host (the server has no authentication)")
  boolean allowRemote;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8000",
      description = "port, 0 for a free one; default ${DEFAULT-VALUE}")
  int port;

  @Option(names = "--max-request-bytes", paramLabel = "N", defaultValue = "1048576",
      description = "largest request body (413 beyond); default ${DEFAULT-VALUE}")
  long maxRequestBytes;

  @Option(names = "--max-prompt-tokens", paramLabel = "N",
      description = "most tokens per prompt (400 beyond); default the model's context length (DJL) or 4096 (ONNX)")
  Integer maxPromptTokens;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "request timeout, queueing included (503/504 beyond); default ${DEFAULT-VALUE}")
  double timeoutSeconds;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "4",
      description = "HTTP worker threads (generation itself runs one call at a time); default ${DEFAULT-VALUE}")
  int threads;

  @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu",
      description = "cpu, gpu, gpu:N or auto; default ${DEFAULT-VALUE}")
  String device;

  @Option(names = "--enable-lora",
      description = "serve LoRA adapters (PEFT folders) loaded through /v1/load_lora_adapter (--model only)")
  boolean enableLora;

  @Option(names = "--max-loras", paramLabel = "N",
      description = "most adapters loaded at once with --enable-lora (more is a 400); default 1")
  Integer maxLoras;

  private final PrintWriter stdout;
  private final CompletableFuture<URI> started;
  private final CountDownLatch stop;

  private ServeCommand(PrintWriter stdout, CompletableFuture<URI> started, CountDownLatch stop) {
    this.stdout = stdout;
    this.started = started;
    this.stop = stop;
  }

  /**
   * Runs the command line and exits the JVM with its status.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
  }

  /**
   * Runs the command line without exiting; serves until the JVM shuts down.
   *
   * @param args the arguments
   * @param out where help and the serving address go
   * @param err where errors go
   * @return 0 after a clean shutdown, 2 for a bad command line or setting, 1 if loading or serving failed
   */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        stopped.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "spice-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return execute(args, out, err, new CompletableFuture<>(), stop);
    } finally {
      stopped.countDown();
    }
  }

  /**
   * {@link #execute(String[], PrintWriter, PrintWriter)} with its lifecycle in the caller's hands:
   * {@code started} completes with the server's URI once it serves (exceptionally if it never
   * does), and counting {@code stop} down stops it.
   */
  static int execute(String[] args, PrintWriter out, PrintWriter err, CompletableFuture<URI> started,
      CountDownLatch stop) {
    CommandLine cl = new CommandLine(new ServeCommand(out, started, stop));
    cl.setOut(out);
    cl.setErr(err);
    cl.getCommandSpec().usageMessage().footer("%nExamples:"
        + "%n  spice-serve --model ~/models/Qwen3-0.6B-Base --port 8000"
        + "%n  spice-serve --model ~/models/Qwen3-0.6B-Base --enable-lora --max-loras 2"
        + "%n  spice-serve --onnx runs/onnx --name policy --max-prompt-tokens 2048%n");
    cl.setExecutionExceptionHandler(UserMessages.handler(err, "serving failed: ", "Run 'spice-serve --help' for every option."));
    int code;
    try {
      code = cl.execute(args);
    } finally {
      started.completeExceptionally(new IllegalStateException("spice-serve ended without serving"));
    }
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public Integer call() throws InterruptedException {
    if ((model == null) == (onnx == null)) {
      throw bad("give exactly one of --model DIR (a Hugging Face checkpoint) and --onnx DIR (an ONNX export)");
    }
    if (!(timeoutSeconds > 0) || Double.isInfinite(timeoutSeconds)) {
      throw bad("--timeout must be finite and > 0 seconds, got " + timeoutSeconds);
    }
    if (enableLora && onnx != null) {
      throw bad("--enable-lora needs --model DIR: an ONNX export cannot load LoRA adapters (serve the merged "
          + "weights instead: DjlPolicy.savePretrained of the LoRA policy, then export)");
    }
    if (maxLoras != null && !enableLora) {
      throw bad("--max-loras only applies with --enable-lora");
    }
    if (maxLoras != null && maxLoras < 1) {
      throw bad("--max-loras must be >= 1, got " + maxLoras);
    }
    Path source = model != null ? model : onnx;
    String served = name != null ? name : source.toAbsolutePath().normalize().getFileName().toString();
    try (PolicyBackend policy = open(); DjlAdapterHost adapters = adapterHost(policy)) {
      int contextLength = policy instanceof DjlPolicy d ? d.config().maxPositionEmbeddings() : 4096;
      int promptLimit = maxPromptTokens != null ? maxPromptTokens : contextLength;
      PolicyServer server;
      try {
        server = PolicyServer.builder().policy(policy).modelName(served).host(host).allowNonLoopback(allowRemote)
            .port(port).maxRequestBytes(maxRequestBytes).maxPromptTokens(promptLimit)
            .maxModelLen(Math.max(contextLength, promptLimit))
            .requestTimeout(Duration.ofMillis(Math.max(1, Math.round(timeoutSeconds * 1000)))).threads(threads)
            .adapters(adapters).build();
      } catch (SpiceException.ConfigurationException e) {
        throw bad(e.getMessage().replace("PolicyServer: ", "")
            .replace("allowNonLoopback(true)", "--allow-remote"));
      }
      try (PolicyServer s = server.start()) {
        stdout.println("serving '" + served + "' (" + policy.name() + ") at " + s.uri()
            + (adapters != null ? " with up to " + (maxLoras == null ? 1 : maxLoras) + " LoRA adapter(s)" : "")
            + " - Ctrl-C stops it");
        if (policy instanceof DjlPolicy && arenaHint(System.getenv("MALLOC_ARENA_MAX"), System.getProperty("os.name"))) {
          stdout.println("hint: start spice-serve with MALLOC_ARENA_MAX=1 in the environment: DJL generation on the "
              + "server's thread is then as fast as in process (spice-djl-backend/README.md, \"Threads, memory, "
              + "devices\")");
        }
        stdout.flush();
        started.complete(s.uri());
        stop.await();
      }
    }
    return 0;
  }

  /** Whether to suggest {@code MALLOC_ARENA_MAX=1}: on Linux (glibc's per-thread arenas) when it is unset. */
  static boolean arenaHint(String mallocArenaMax, String osName) {
    return mallocArenaMax == null && osName != null && osName.toLowerCase(java.util.Locale.ROOT).contains("linux");
  }

  /** The adapter host of {@code --enable-lora}: adapters sharing the served policy's weights and tokenizer; else null. */
  private DjlAdapterHost adapterHost(PolicyBackend policy) {
    if (!enableLora) {
      return null;
    }
    return new DjlAdapterHost((DjlPolicy) policy, maxLoras == null ? 1 : maxLoras);
  }

  private PolicyBackend open() {
    try {
      if (model != null) {
        return DjlPolicy.builder().pretrained(model).device(device).build();
      }
      return OnnxPolicy.builder().model(onnx).device(device).build();
    } catch (SpiceException.ConfigurationException e) {
      throw bad((model != null ? "--model " + model : "--onnx " + onnx) + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new SpiceException.BackendException("cannot load " + (model != null ? "--model " + model : "--onnx " + onnx)
          + ": " + UserMessages.message(e), e);
    }
  }

  private static SpiceException.ConfigurationException bad(String message) {
    return new SpiceException.ConfigurationException(message);
  }
}
