package dev.spice.remote;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON over HTTP with retries. Transient failures (connection errors, timeouts, HTTP 429 and 5xx)
 * are retried up to {@code maxAttempts} attempts in all, waiting an exponential backoff with jitter
 * between attempts, or the server's {@code Retry-After} when longer; every other non-2xx reply
 * fails at once with the server's message. Thread-safe.
 */
final class HttpTransport {
  private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);

  /** Waits between attempts; tests record the waits instead. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /** The retry settings; see {@link RemotePolicyBuilder#retries}. */
  record Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff, long seed) {}

  /** A 2xx reply. */
  record Reply(String url, int status, String body) {}

  private final URI base;
  private final String apiKey;
  private final Duration requestTimeout;
  private final Retry retry;
  private final Sleeper sleeper;
  private final HttpClient client;
  private final Random jitter;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();

  HttpTransport(URI base, String apiKey, Duration connectTimeout, Duration requestTimeout, Retry retry,
      Sleeper sleeper) {
    this.base = base;
    this.apiKey = apiKey;
    this.requestTimeout = requestTimeout;
    this.retry = retry;
    this.sleeper = sleeper;
    this.jitter = new Random(retry.seed());
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  String url(String path) {
    return base + path;
  }

  long requests() {
    return requests.get();
  }

  long retries() {
    return retries.get();
  }

  Reply get(String path) {
    return send(path, null);
  }

  Reply post(String path, String json) {
    return send(path, json);
  }

  private Reply send(String path, String json) {
    String url = url(path);
    HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout)
        .header("Accept", "application/json");
    if (apiKey != null) {
      rb.header("Authorization", "Bearer " + apiKey);
    }
    HttpRequest request = json == null ? rb.GET().build()
        : rb.header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
    String last = "";
    int lastStatus = RemoteServerException.NO_STATUS;
    Throwable lastCause = null;
    for (int attempt = 1; ; attempt++) {
      requests.incrementAndGet();
      Duration retryAfter = null;
      try {
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = r.statusCode();
        if (status >= 200 && status < 300) {
          return new Reply(url, status, r.body());
        }
        String message = "HTTP " + status + ": " + ErrorBodies.message(r.body());
        if (status != 429 && status < 500) {
          throw new RemoteServerException(url + " answered " + message, url, status, null);
        }
        last = message;
        lastStatus = status;
        lastCause = null;
        retryAfter = retryAfter(r.headers().firstValue("Retry-After"));
      } catch (HttpConnectTimeoutException e) {
        last = "no connection within the connect timeout";
        lastStatus = RemoteServerException.NO_STATUS;
        lastCause = e;
      } catch (HttpTimeoutException e) {
        last = "no reply within the request timeout of " + requestTimeout.toMillis() + " ms";
        lastStatus = RemoteServerException.NO_STATUS;
        lastCause = e;
      } catch (ConnectException e) {
        last = "cannot connect (" + (e.getMessage() == null ? "connection refused" : e.getMessage()) + ")";
        lastStatus = RemoteServerException.NO_STATUS;
        lastCause = e;
      } catch (IOException e) {
        last = "I/O error: " + e;
        lastStatus = RemoteServerException.NO_STATUS;
        lastCause = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RemoteServerException(url + ": interrupted", url, RemoteServerException.NO_STATUS, e);
      }
      if (attempt >= retry.maxAttempts()) {
        throw new RemoteServerException(url + " failed after " + attempt + " attempt" + (attempt == 1 ? "" : "s")
            + "; last: " + last, url, lastStatus, lastCause);
      }
      Duration wait = backoff(attempt, retryAfter);
      retries.incrementAndGet();
      LOG.debug("{}: attempt {} failed ({}); retrying in {} ms", url, attempt, last, wait.toMillis());
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RemoteServerException(url + ": interrupted while waiting to retry", url, lastStatus, e);
      }
    }
  }

  /**
   * The wait after failed attempt {@code attempt} (1-based): {@code min(maxBackoff, initial * 2^(attempt-1))}
   * scaled by a jitter factor drawn uniformly from [0.5, 1), or the server's Retry-After when longer.
   */
  Duration backoff(int attempt, Duration retryAfter) {
    long initial = retry.initialBackoff().toMillis();
    long cap = retry.maxBackoff().toMillis();
    long exp = initial << Math.min(attempt - 1, 30);
    long base = exp < 0 || exp > cap ? cap : exp;
    double factor;
    synchronized (jitter) {
      factor = 0.5 + 0.5 * jitter.nextDouble();
    }
    Duration d = Duration.ofMillis(Math.round(base * factor));
    return retryAfter != null && retryAfter.compareTo(d) > 0 ? retryAfter : d;
  }

  /** Retry-After in delta-seconds form; the HTTP-date form (and garbage) is ignored. */
  static Duration retryAfter(Optional<String> header) {
    if (header.isEmpty()) {
      return null;
    }
    try {
      long s = Long.parseLong(header.get().strip());
      return s < 0 ? null : Duration.ofSeconds(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  void close() {
    // java.net.http.HttpClient has no close() before Java 21; its threads end once unreferenced.
  }
}
