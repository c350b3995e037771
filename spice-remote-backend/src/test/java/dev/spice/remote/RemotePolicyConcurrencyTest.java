package dev.spice.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Requests run concurrently up to the bound, never beyond it, and results keep prompt order. */
class RemotePolicyConcurrencyTest {
  @Test
  void maxConcurrentRequestsAreInFlightTogetherAndNoMore() throws Exception {
    int bound = 3;
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    CountDownLatch gate = new CountDownLatch(1);
    CharModel model = new CharModel(null);
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < 2 * bound; i++) {
      prompts.add(Prompt.of(Role.CHALLENGER, "prompt " + "x".repeat(i)));
    }
    try (FakeServer server = model.install(new FakeServer())) {
      // every completion request is held at the gate until the test opens it
      server.handle("/v1/completions", r -> {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
          if (!gate.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the gate was never opened");
          }
          return model.completions(r);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        } finally {
          inFlight.decrementAndGet();
        }
      });
      try (RemotePolicy p = RemotePolicy.builder().baseUrl(server.uri()).model(FakeServer.MODEL)
          .maxConcurrentRequests(bound).retries(1, Duration.ZERO, Duration.ZERO).build()) {
        CompletableFuture<List<Completion>> run =
            CompletableFuture.supplyAsync(() -> p.generate(prompts, SamplingParams.defaults(4).withSeed(2)));
        for (int waited = 0; inFlight.get() < bound && waited < 30_000; waited += 10) {
          Thread.sleep(10);
        }
        assertEquals(bound, inFlight.get(), "the bound is reached: requests run concurrently");
        Thread.sleep(300); // room for a request beyond the bound to show up, if the bound leaked
        assertEquals(bound, maxInFlight.get(), "never more than the bound in flight");
        gate.countDown();
        List<Completion> out = run.get(30, TimeUnit.SECONDS);
        assertEquals(prompts.size(), out.size());
        for (int i = 0; i < out.size(); i++) {
          assertEquals("prompt ".length() + i + 1, out.get(i).promptTokenCount(), "row " + i + " in order");
        }
      }
    }
    assertTrue(maxInFlight.get() <= bound);
  }
}
