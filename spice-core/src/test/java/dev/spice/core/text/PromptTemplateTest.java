package dev.spice.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SpiceException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The shipped templates render exactly the text their Javadoc gives; names find the constants. */
class PromptTemplateTest {
  private final Prompt p = Prompt.of(Role.REASONER, "2+2?");

  @Test
  void theConstantsRenderTheirFormats() {
    assertEquals("2+2?", PromptTemplate.RAW.render(p));
    assertEquals("2+2?\n", PromptTemplate.PLAIN.render(p));
    assertEquals("<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n", PromptTemplate.CHATML.render(p));
    assertEquals("<|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n",
        PromptTemplate.chatMl("be brief").render(p));
    assertThrows(NullPointerException.class, () -> PromptTemplate.chatMl(null));
  }

  @Test
  void templatesByNameIgnoreCaseAndAreTheConstants() {
    assertSame(PromptTemplate.RAW, PromptTemplate.named("raw"));
    assertSame(PromptTemplate.PLAIN, PromptTemplate.named("Plain"));
    assertSame(PromptTemplate.CHATML, PromptTemplate.named("CHATML"));
    assertEquals("unknown prompt template 'jinja'; valid: raw, plain, chatml", assertThrows(
        SpiceException.ConfigurationException.class, () -> PromptTemplate.named("jinja")).getMessage());
  }

  @Test
  void lambdasAndFunctionsAreTemplates() {
    PromptTemplate shout = q -> q.text().toUpperCase(java.util.Locale.ROOT) + "!";
    assertEquals("2+2?!", shout.render(Prompt.of(Role.CHALLENGER, "2+2?")));
    Function<Prompt, String> f = q -> "[" + q.role() + "] " + q.text();
    PromptTemplate fromFunction = f::apply;
    assertEquals("[REASONER] 2+2?", fromFunction.render(p));
  }
}
