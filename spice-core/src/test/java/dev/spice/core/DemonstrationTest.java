package dev.spice.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.testing.ScriptedPolicy;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/** The {@link Demonstration} record and the default {@link TrainablePolicy#demonstrationSample}. */
class DemonstrationTest {
  private static final Prompt PROMPT = Prompt.of(Role.REASONER, "w1 w2");

  @Test
  void nullOrBlankPartsAreRefusedNamingTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Demonstration(null, "a"));
    assertTrue(e.getMessage().startsWith("prompt is null"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Demonstration(PROMPT, null));
    assertTrue(e.getMessage().startsWith("completion is null"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Demonstration(PROMPT, " \n"));
    assertTrue(e.getMessage().startsWith("completion is blank"), e.getMessage());
    Demonstration d = new Demonstration(PROMPT, " w3");
    assertEquals(" w3", d.completion(), "kept as given (a leading space may matter to a tokenizer)");
    assertEquals(PROMPT, d.prompt());
  }

  @Test
  void theDefaultImplementationThrowsNamingTheBackend() {
    TrainablePolicy plain = (TrainablePolicy) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {TrainablePolicy.class}, (proxy, method, args) -> {
          if (method.getName().equals("name")) {
            return "plain";
          }
          if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
          }
          throw new UnsupportedOperationException(method.getName());
        });
    SpiceException.BackendException e = assertThrows(SpiceException.BackendException.class,
        () -> plain.demonstrationSample(new Demonstration(PROMPT, "w3")));
    assertTrue(e.getMessage().contains("'plain' backend"), e.getMessage());
    assertTrue(e.getMessage().contains("cannot encode demonstrations"), e.getMessage());
  }

  @Test
  void theScriptedPolicyEndsADemonstrationWithItsEndOfSequenceWord() {
    ScriptedPolicy p = new ScriptedPolicy((prompt, row, seed, pol) -> "");
    SupervisedSample s = p.demonstrationSample(new Demonstration(PROMPT, "w3 w4"));
    assertArrayEquals(p.tokenize("w1 w2"), s.promptTokens());
    assertArrayEquals(p.tokenize("w3 w4 " + ScriptedPolicy.EOS), s.targetTokens());
    assertEquals(1.0, s.weight());
  }
}
