package dev.spice.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The backoff schedule, Retry-After parsing and error-body reading. */
class HttpTransportTest {
  private static HttpTransport transport(long seed) {
    return new HttpTransport(URI.create("http://127.0.0.1:1"), null, Duration.ofSeconds(1), Duration.ofSeconds(1),
        new HttpTransport.Retry(10, Duration.ofMillis(100), Duration.ofMillis(1000), seed), d -> {});
  }

  @Test
  void backoffDoublesUpToTheCapWithJitterInTheUpperHalf() {
    HttpTransport t = transport(7);
    long[] bases = {100, 200, 400, 800, 1000, 1000, 1000};
    for (int k = 1; k <= bases.length; k++) {
      long ms = t.backoff(k, null).toMillis();
      assertTrue(ms >= bases[k - 1] / 2 && ms <= bases[k - 1], "attempt " + k + ": " + ms + " ms");
    }
    assertTrue(t.backoff(60, null).toMillis() <= 1000, "no overflow for late attempts");
  }

  @Test
  void theSameSeedGivesTheSameWaits() {
    List<Duration> a = new ArrayList<>();
    List<Duration> b = new ArrayList<>();
    HttpTransport ta = transport(3);
    HttpTransport tb = transport(3);
    for (int k = 1; k <= 6; k++) {
      a.add(ta.backoff(k, null));
      b.add(tb.backoff(k, null));
    }
    assertEquals(a, b);
  }

  @Test
  void retryAfterWinsWhenLonger() {
    HttpTransport t = transport(1);
    assertEquals(Duration.ofSeconds(5), t.backoff(1, Duration.ofSeconds(5)));
    assertTrue(t.backoff(4, Duration.ZERO).toMillis() >= 400);
    assertEquals(Duration.ofSeconds(3), HttpTransport.retryAfter(Optional.of(" 3 ")));
    assertNull(HttpTransport.retryAfter(Optional.of("Wed, 21 Oct 2015 07:28:00 GMT")));
    assertNull(HttpTransport.retryAfter(Optional.of("-1")));
    assertNull(HttpTransport.retryAfter(Optional.empty()));
  }

  @Test
  void errorBodiesOfEveryShapeGiveTheServersMessage() {
    assertEquals("BadRequestError: too long",
        ErrorBodies.message("{\"error\":{\"message\":\"too long\",\"type\":\"BadRequestError\",\"code\":400}}"));
    assertEquals("NotFoundError: no such model",
        ErrorBodies.message("{\"object\":\"error\",\"message\":\"no such model\",\"type\":\"NotFoundError\"}"));
    assertEquals("rate limited", ErrorBodies.message("{\"error\":\"rate limited\"}"));
    assertEquals("[{\"loc\":[\"body\",\"prompt\"]}]", ErrorBodies.message("{\"detail\":[{\"loc\":[\"body\",\"prompt\"]}]}"));
    assertEquals("Not Found", ErrorBodies.message("{\"detail\":\"Not Found\"}"));
    assertEquals("(empty body)", ErrorBodies.message(""));
    assertEquals("Internal Server Error", ErrorBodies.message("Internal Server Error\n"));
    String longBody = "x".repeat(1000);
    assertTrue(ErrorBodies.message(longBody).endsWith("... (1000 characters)"));
  }
}
