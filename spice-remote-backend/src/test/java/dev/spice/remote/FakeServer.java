package dev.spice.remote;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A loopback HTTP server for tests: each path answers from a queue of scripted replies (recorded
 * bodies under {@code src/test/resources/dev/spice/remote/}, see the README there) and, once the
 * queue is empty, from the path's handler. {@code /health} and {@code /v1/models} answer by default
 * (the models list of {@code models.json}). Every request is recorded.
 */
final class FakeServer implements AutoCloseable {
  /** A reply: status, body, headers, and a delay before answering (to provoke timeouts). */
  record Reply(int status, String body, Map<String, String> headers, long delayMillis) {
    static Reply ok(String body) {
      return new Reply(200, body, Map.of(), 0);
    }

    static Reply status(int status, String body) {
      return new Reply(status, body, Map.of(), 0);
    }

    Reply withHeader(String name, String value) {
      Map<String, String> h = new HashMap<>(headers);
      h.put(name, value);
      return new Reply(status, body, h, delayMillis);
    }

    Reply delayed(long millis) {
      return new Reply(status, body, headers, millis);
    }
  }

  /** A request as received. */
  record Request(String method, String path, String body, String authorization) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(16);
  private final Map<String, Deque<Reply>> scripted = new HashMap<>();
  private final Map<String, Function<Request, Reply>> handlers = new HashMap<>();
  private final List<Request> received = new ArrayList<>();

  FakeServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    handle("/health", r -> Reply.ok(""));
    handle("/v1/models", r -> Reply.ok(resource("models.json")));
    server.createContext("/", this::serve);
    server.setExecutor(executor);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The model name that {@code models.json} lists. */
  static final String MODEL = "Qwen/Qwen3-0.6B";

  synchronized FakeServer handle(String path, Function<Request, Reply> handler) {
    handlers.put(path, handler);
    return this;
  }

  synchronized FakeServer enqueue(String path, Reply... replies) {
    Deque<Reply> q = scripted.computeIfAbsent(path, k -> new ArrayDeque<>());
    for (Reply r : replies) {
      q.add(r);
    }
    return this;
  }

  /** The JSON bodies of the requests received on {@code path}, in arrival order. */
  List<java.util.Map<String, Object>> bodies(String path) {
    List<java.util.Map<String, Object>> out = new ArrayList<>();
    for (Request r : received(path)) {
      out.add(dev.spice.core.internal.json.Json.parseObject(r.body()));
    }
    return out;
  }

  synchronized List<Request> received(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  static String resource(String name) {
    try (InputStream in = FakeServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void serve(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Request req = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), body,
          ex.getRequestHeaders().getFirst("Authorization"));
      Reply reply;
      synchronized (this) {
        received.add(req);
        Deque<Reply> q = scripted.get(req.path());
        if (q != null && !q.isEmpty()) {
          reply = q.poll();
        } else {
          Function<Request, Reply> h = handlers.get(req.path());
          reply = h == null ? Reply.status(404, "{\"detail\":\"Not Found\"}") : null;
          if (h != null) {
            reply = new Reply(-1, null, null, 0);
            // run the handler outside the lock: it may be slow
          }
        }
      }
      if (reply.status() == -1) {
        Function<Request, Reply> h;
        synchronized (this) {
          h = handlers.get(req.path());
        }
        try {
          reply = h.apply(req);
        } catch (RuntimeException e) {
          reply = Reply.status(400, "{\"error\":{\"message\":\"" + e.getMessage().replace("\"", "'")
              + "\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}");
        }
      }
      if (reply.delayMillis() > 0) {
        try {
          Thread.sleep(reply.delayMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
      reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
