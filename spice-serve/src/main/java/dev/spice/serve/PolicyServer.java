package dev.spice.serve;

import com.sun.net.httpserver.HttpServer;
import dev.spice.core.PolicyBackend;
import dev.spice.core.SpiceException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible HTTP server over a {@link PolicyBackend}: the subset of vLLM's API that the
 * remote backend uses ({@code POST /v1/completions} with log-probs, token ids, {@code n},
 * {@code seed} and {@code echo} (prompt log-probs through {@link PolicyBackend#scoreFromTokens});
 * {@code POST /tokenize}, {@code POST /detokenize}, {@code GET /v1/models},
 * {@code GET /health}, {@code POST /v1/load_lora_adapter} and {@code POST
 * /v1/unload_lora_adapter}). Built on the JDK's {@code com.sun.net.httpserver}; the module README
 * lists the endpoints, the limits and the error responses.
 *
 * <pre>{@code
 * try (PolicyServer server = PolicyServer.builder().policy(policy).modelName("my-model").build()) {
 *   server.start();
 *   System.out.println("serving on " + server.uri());
 *   ...
 * }
 * }</pre>
 *
 * <p>Threading: HTTP requests are handled by {@link Builder#threads} worker threads, and every call
 * into a policy runs on one policy thread, one call at a time (a policy is not thread-safe), behind
 * a bounded queue. The server never closes the policy it serves: its owner does, after
 * {@link #close()}.
 */
public final class PolicyServer implements AutoCloseable {
  private final Builder cfg;
  private HttpServer http;
  private ExecutorService workers;
  private PolicyGate gate;
  private boolean started;
  private boolean closed;

  private PolicyServer(Builder cfg) {
    this.cfg = cfg;
  }

  /**
   * A builder with the defaults: host {@code 127.0.0.1}, an ephemeral port, 1 MiB requests, 4096
   * prompt tokens, a 60 s request timeout, 4 worker threads, 64 queued policy calls, no adapters.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The JDK HTTP server's switch for TCP_NODELAY on accepted connections. */
  static final String NO_DELAY = "sun.net.httpserver.nodelay";

  /**
   * Turns Nagle's algorithm off for the JDK server unless the user chose: with it on, each POST
   * answer waits for the client's delayed ACK, about 44 ms per request on Linux loopback (0.6 to
   * 1.7 ms with it off; benchmarks/README.md, "Rollouts over HTTP"). The JDK reads the property
   * once, when the process's first server starts, so {@code -Dsun.net.httpserver.nodelay=false}
   * keeps it off and a server started earlier in the process by other code keeps its setting.
   */
  static void noDelayUnlessSet() {
    if (System.getProperty(NO_DELAY) == null) {
      System.setProperty(NO_DELAY, "true");
    }
  }

  /**
   * Binds the address and starts serving.
   *
   * @return this server
   * @throws SpiceException.ConfigurationException if the address cannot be bound (in use, not
   *     local), naming it
   * @throws IllegalStateException if the server was started or closed before
   */
  public synchronized PolicyServer start() {
    if (started || closed) {
      throw new IllegalStateException(closed ? "this PolicyServer is closed" : "this PolicyServer is already started");
    }
    InetSocketAddress addr = new InetSocketAddress(cfg.address, cfg.port);
    noDelayUnlessSet();
    HttpServer s;
    try {
      s = HttpServer.create(addr, 0);
    } catch (IOException e) {
      throw new SpiceException.ConfigurationException("cannot bind " + cfg.host + ":" + cfg.port + ": " + e.getMessage());
    }
    AtomicInteger count = new AtomicInteger();
    workers = Executors.newFixedThreadPool(cfg.threads, r -> {
      Thread t = new Thread(r, "spice-serve-http-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    gate = new PolicyGate(cfg.maxQueued, cfg.requestTimeout);
    s.createContext("/", new Router(cfg, gate));
    s.setExecutor(workers);
    s.start();
    http = s;
    started = true;
    return this;
  }

  /**
   * The bound port (the ephemeral one chosen when the builder's port was 0).
   *
   * @return the bound port
   * @throws IllegalStateException if the server is not started
   */
  public synchronized int port() {
    if (!started) {
      throw new IllegalStateException("this PolicyServer is not started");
    }
    return http.getAddress().getPort();
  }

  /**
   * The base URI, for example {@code http://127.0.0.1:8000/} (IPv6 hosts in brackets).
   *
   * @return the base URI clients append paths such as {@code v1/completions} to
   * @throws IllegalStateException if the server is not started
   */
  public synchronized URI uri() {
    int p = port();
    String h = cfg.address.getHostAddress();
    if (h.contains(":")) {
      h = "[" + h + "]";
    }
    return URI.create("http://" + h + ":" + p + "/");
  }

  /**
   * Stops serving (in-flight requests get up to one second to answer), cancels the calls waiting
   * for the policy and waits for a running one to end (at most the request timeout), so that the
   * policy can be closed afterwards. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (http != null) {
      http.stop(1);
      gate.close();
      workers.shutdownNow();
    }
  }

  /**
   * Settings of a {@link PolicyServer}, validated by {@link #build()}. Not thread-safe.
   */
  public static final class Builder {
    PolicyBackend policy;
    String modelName;
    String host = "127.0.0.1";
    boolean allowNonLoopback;
    int port;
    long maxRequestBytes = 1 << 20;
    int maxPromptTokens = 4096;
    int maxModelLen = -1;
    Duration requestTimeout = Duration.ofSeconds(60);
    int threads = 4;
    int maxQueued = 64;
    AdapterHost adapters;
    InetAddress address;

    private Builder() {}

    /**
     * The policy to serve (required). The server does not close it.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder policy(PolicyBackend policy) {
      this.policy = policy;
      return this;
    }

    /**
     * The name clients send as {@code model} (required, not blank), for example the checkpoint's
     * folder name.
     *
     * @param name the served model name
     * @return this builder
     */
    public Builder modelName(String name) {
      this.modelName = name;
      return this;
    }

    /**
     * The address to bind, default {@code 127.0.0.1}. An address that is not a loopback address
     * also needs {@link #allowNonLoopback(boolean) allowNonLoopback(true)}: the server has no
     * authentication.
     *
     * @param host a host name or IP address
     * @return this builder
     */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /**
     * Allows binding a non-loopback address (default false).
     *
     * @param allow whether other machines may reach the server
     * @return this builder
     */
    public Builder allowNonLoopback(boolean allow) {
      this.allowNonLoopback = allow;
      return this;
    }

    /**
     * The port, in {@code [0, 65535]}; 0 (the default) picks a free ephemeral port, see
     * {@link PolicyServer#port()}.
     *
     * @param port the port
     * @return this builder
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Largest request body accepted, in bytes, {@code >= 1024} (default 1 MiB); larger ones get
     * 413.
     *
     * @param bytes the limit
     * @return this builder
     */
    public Builder maxRequestBytes(long bytes) {
      this.maxRequestBytes = bytes;
      return this;
    }

    /**
     * Most tokens one prompt may have, {@code >= 1} (default 4096); longer ones get 400.
     *
     * @param tokens the limit
     * @return this builder
     */
    public Builder maxPromptTokens(int tokens) {
      this.maxPromptTokens = tokens;
      return this;
    }

    /**
     * The context length reported as {@code max_model_len} by {@code /v1/models} and
     * {@code /tokenize}, {@code >= 1}; default {@link #maxPromptTokens(int)}'s value. The policy
     * itself rejects prompts that do not fit with their {@code max_tokens} (400).
     *
     * @param tokens the model's context length
     * @return this builder
     */
    public Builder maxModelLen(int tokens) {
      this.maxModelLen = tokens;
      return this;
    }

    /**
     * Longest time a request may take, queueing for the policy included, positive (default 60 s);
     * past it the client gets 503 (still queued) or 504 (running).
     *
     * @param timeout the limit
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * Number of HTTP worker threads, {@code >= 1} (default 4).
     *
     * @param threads the thread count
     * @return this builder
     */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /**
     * Most policy calls that may wait for the policy thread, {@code >= 1} (default 64); when full,
     * requests get 503 with {@code Retry-After: 1}.
     *
     * @param calls the queue capacity
     * @return this builder
     */
    public Builder maxQueued(int calls) {
      this.maxQueued = calls;
      return this;
    }

    /**
     * Enables {@code /v1/load_lora_adapter} and {@code /v1/unload_lora_adapter} through this host
     * (optional; without one they answer 400).
     *
     * @param host the adapter host, or null for none
     * @return this builder
     */
    public Builder adapters(AdapterHost host) {
      this.adapters = host;
      return this;
    }

    /**
     * Validates the settings.
     *
     * @return a server, not started yet
     * @throws SpiceException.ConfigurationException naming the setting that is missing or invalid
     */
    public PolicyServer build() {
      if (policy == null) {
        throw bad("policy is required");
      }
      if (modelName == null || modelName.isBlank()) {
        throw bad("modelName is required and must not be blank");
      }
      Objects.requireNonNull(host, "host");
      try {
        address = InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw bad("host '" + host + "' cannot be resolved: " + e.getMessage());
      }
      if (!address.isLoopbackAddress() && !allowNonLoopback) {
        throw bad("host '" + host + "' is not a loopback address; the server has no authentication, so binding "
            + "it needs allowNonLoopback(true)");
      }
      if (port < 0 || port > 65535) {
        throw bad("port must be in [0, 65535] (0 = ephemeral), got " + port);
      }
      if (maxRequestBytes < 1024) {
        throw bad("maxRequestBytes must be >= 1024, got " + maxRequestBytes);
      }
      if (maxPromptTokens < 1) {
        throw bad("maxPromptTokens must be >= 1, got " + maxPromptTokens);
      }
      if (maxModelLen == -1) {
        maxModelLen = maxPromptTokens;
      } else if (maxModelLen < 1) {
        throw bad("maxModelLen must be >= 1, got " + maxModelLen);
      }
      if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw bad("requestTimeout must be positive, got " + requestTimeout);
      }
      if (threads < 1) {
        throw bad("threads must be >= 1, got " + threads);
      }
      if (maxQueued < 1) {
        throw bad("maxQueued must be >= 1, got " + maxQueued);
      }
      Builder copy = new Builder();
      copy.policy = policy;
      copy.modelName = modelName;
      copy.host = host;
      copy.address = address;
      copy.allowNonLoopback = allowNonLoopback;
      copy.port = port;
      copy.maxRequestBytes = maxRequestBytes;
      copy.maxPromptTokens = maxPromptTokens;
      copy.maxModelLen = maxModelLen;
      copy.requestTimeout = requestTimeout;
      copy.threads = threads;
      copy.maxQueued = maxQueued;
      copy.adapters = adapters;
      return new PolicyServer(copy);
    }

    private static SpiceException.ConfigurationException bad(String message) {
      return new SpiceException.ConfigurationException("PolicyServer: " + message);
    }
  }
}
