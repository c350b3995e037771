package dev.spice.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.testing.ScriptedPolicy;
import dev.spice.core.testing.TestProviders;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** {@link Policies} with the providers of {@link TestProviders}, found through a context class loader. */
class PoliciesTest {

  /** Runs {@code body} with the fixture providers visible to {@link java.util.ServiceLoader}. */
  static <T> T withFixtureProviders(Supplier<T> body) {
    URL dir = PoliciesTest.class.getClassLoader().getResource("policies-fixture/");
    if (dir == null) {
      throw new AssertionError("policies-fixture/ is missing from the test class path");
    }
    Thread th = Thread.currentThread();
    ClassLoader prev = th.getContextClassLoader();
    try (URLClassLoader cl = new URLClassLoader(new URL[] {dir}, PoliciesTest.class.getClassLoader())) {
      th.setContextClassLoader(cl);
      return body.get();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    } finally {
      th.setContextClassLoader(prev);
    }
  }

  static SpiceException.ConfigurationException refused(String name) {
    return withFixtureProviders(() -> assertThrows(SpiceException.ConfigurationException.class,
        () -> Policies.trainable(name, Map.of())));
  }

  @Test
  void fixtureProvidersAreFoundByRank() {
    List<String> names = withFixtureProviders(() -> Policies.providers().stream().map(PolicyProvider::name).toList());
    assertEquals(List.of("test-absent", "test-inference", "test-trainable", "test-liar"), names);
  }

  @Test
  void trainableByName() {
    TrainablePolicy p = withFixtureProviders(() -> Policies.trainable("test-trainable", Map.of("text", "hi")));
    ScriptedPolicy s = assertInstanceOf(ScriptedPolicy.class, p);
    assertEquals("hi", s.generate(List.of(Prompt.of(Role.REASONER, "q")), SamplingParams.defaults(4)).get(0).text());
  }

  @Test
  void withoutANameTheBestAvailableTrainableProviderWins() {
    // create() takes the highest-ranked available provider, which is inference only ...
    PolicyBackend any = withFixtureProviders(() -> Policies.create(null, Map.of()));
    assertInstanceOf(TestProviders.Frozen.class, any);
    // ... trainable() skips it (and the unavailable one) and takes the best trainable provider
    TrainablePolicy p = withFixtureProviders(() -> Policies.trainable(null, Map.of()));
    assertInstanceOf(ScriptedPolicy.class, p);
  }

  @Test
  void inferenceOnlyProviderIsRefusedByName() {
    SpiceException e = refused("test-inference");
    String m = e.getMessage();
    assertTrue(m.contains("'test-inference'"), m);
    assertTrue(m.contains(TestProviders.InferenceOnly.class.getName()), m);
    assertTrue(m.contains("inference-only"), m);
    assertTrue(m.contains("available trainable providers: [test-trainable, test-liar]"), m);
  }

  @Test
  void unknownOrUnavailableNameListsTheTrainableProviders() {
    for (String name : List.of("nope", "test-absent")) {
      String m = refused(name).getMessage();
      assertTrue(m.contains("No available policy backend named '" + name + "'"), m);
      assertTrue(m.contains("available trainable providers: [test-trainable, test-liar]"), m);
      assertTrue(m.contains("test-absent (unavailable) (trainable)"), m);
    }
  }

  @Test
  void providerThatLiesAboutTrainabilityIsRefusedAndItsBackendClosed() {
    int before = TestProviders.LIAR_CLOSED.get();
    String m = refused("test-liar").getMessage();
    assertTrue(m.contains("'test-liar'"), m);
    assertTrue(m.contains("not a TrainablePolicy"), m);
    assertEquals(before + 1, TestProviders.LIAR_CLOSED.get());
  }

  @Test
  void noTrainableProviderOnTheClassPath() {
    // spice-core's own class path registers no provider
    assertFalse(Policies.providers().stream().anyMatch(PolicyProvider::isTrainable));
    if (System.getProperty(Policies.BACKEND_PROPERTY) == null) {
      String m = assertThrows(SpiceException.ConfigurationException.class, () -> Policies.trainable(null, Map.of()))
          .getMessage();
      assertTrue(m.contains("No trainable policy backend is available"), m);
      assertTrue(m.contains("available trainable providers: []"), m);
    }
  }

  @Test
  void providersAreInferenceOnlyByDefault() {
    PolicyProvider p = new PolicyProvider() {
      @Override
      public String name() {
        return "plain";
      }

      @Override
      public PolicyBackend create(Map<String, String> options) {
        throw new UnsupportedOperationException();
      }
    };
    assertFalse(p.isTrainable());
  }
}
