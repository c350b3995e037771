package dev.spice.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Policies;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code remote} provider is found through ServiceLoader and checks its options. */
class RemotePolicyProviderTest {
  @Test
  void policiesFindsTheRemoteProviderByName() {
    try (FakeServer server = new CharModel(null).install(new FakeServer());
        PolicyBackend p = Policies.create("remote", Map.of("url", server.uri().toString(), "model", FakeServer.MODEL,
            "template", "chatml", "maxConcurrentRequests", "2", "maxAttempts", "1"))) {
      assertEquals("remote:" + FakeServer.MODEL, p.name());
      Completion c = p.generate(List.of(Prompt.of(Role.CHALLENGER, "hi")), SamplingParams.defaults(2)).get(0);
      assertEquals(2, c.tokenCount());
      Map<String, Object> tok = Json.parseObject(server.received("/tokenize").get(0).body());
      assertEquals("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", tok.get("prompt"));
    }
  }

  @Test
  void collapsingIsOnByDefaultAndTheOptionsReachTheBuilder() {
    List<Prompt> four = java.util.Collections.nCopies(4, Prompt.of(Role.CHALLENGER, "hi"));
    Map<Map<String, String>, Integer> requestsFor = Map.of(Map.of(), 1,
        Map.of("collapseIdenticalPrompts", "false"), 4, Map.of("maxSamplesPerRequest", "3"), 2);
    for (Map.Entry<Map<String, String>, Integer> e : requestsFor.entrySet()) {
      Map<String, String> options = new java.util.HashMap<>(e.getKey());
      try (FakeServer server = new CharModel(null).install(new FakeServer())) {
        options.put("url", server.uri().toString());
        options.put("model", FakeServer.MODEL);
        try (PolicyBackend p = Policies.create("remote", options)) {
          assertEquals(4, p.generate(four, SamplingParams.defaults(2)).size());
        }
        assertEquals((int) e.getValue(), server.received("/v1/completions").size(), "options " + e.getKey());
      }
    }
  }

  @Test
  void badOptionsAreRejectedNamingTheKey() {
    RemotePolicyProvider provider = new RemotePolicyProvider();
    assertTrue(assertThrows(SpiceException.ConfigurationException.class, () -> provider.create(Map.of("model", "m")))
        .getMessage().contains("needs option 'url'"));
    assertTrue(assertThrows(SpiceException.ConfigurationException.class,
        () -> provider.create(Map.of("url", "http://h:1", "model", "m", "colour", "red")))
        .getMessage().startsWith("unknown option 'colour' for the remote backend; valid keys: [addSpecialTokens,"));
    assertTrue(assertThrows(SpiceException.ConfigurationException.class,
        () -> provider.create(Map.of("url", "http://h:1", "model", "m", "maxAttempts", "0")))
        .getMessage().contains("option 'maxAttempts' must be an integer >= 1, got '0'"));
    assertTrue(assertThrows(SpiceException.ConfigurationException.class,
        () -> provider.create(Map.of("url", "http://h:1", "model", "m", "maxSamplesPerRequest", "0")))
        .getMessage().contains("option 'maxSamplesPerRequest' must be an integer >= 1, got '0'"));
    assertTrue(assertThrows(SpiceException.ConfigurationException.class,
        () -> provider.create(Map.of("url", "http://h:1", "model", "m", "collapseIdenticalPrompts", "no")))
        .getMessage().contains("option 'collapseIdenticalPrompts' is 'no'; valid: true, false"));
    assertTrue(assertThrows(SpiceException.ConfigurationException.class,
        () -> provider.create(Map.of("url", "http://h:1", "model", "m", "maskedLogProbs", "yes")))
        .getMessage().contains("option 'maskedLogProbs' is 'yes'; valid: true, false"));
    assertTrue(assertThrows(SpiceException.ConfigurationException.class,
        () -> provider.create(Map.of("url", "http://h:1", "model", "m", "template", "llama")))
        .getMessage().contains("valid: raw, plain, chatml"));
    assertTrue(assertThrows(SpiceException.ConfigurationException.class,
        () -> provider.create(Map.of("url", "not a url", "model", "m")))
        .getMessage().contains("option 'url' is not a URL"));
  }
}
