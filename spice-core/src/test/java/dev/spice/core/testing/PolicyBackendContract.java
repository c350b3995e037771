package dev.spice.core.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Contract every {@link PolicyBackend} must pass. Extend it, implement {@link #createBackend()},
 * and override {@link #prompts()} / {@link #roundTripText()} if the backend's vocabulary needs
 * other text.
 */
public abstract class PolicyBackendContract {
  /** The backend under test, created before each test and closed after it. */
  protected PolicyBackend backend;

  /** Creates a fresh backend (small: it is created once per test). */
  protected abstract PolicyBackend createBackend();

  /** Prompts the backend can take (at least two, of both roles). */
  protected List<Prompt> prompts() {
    return List.of(Prompt.of(Role.CHALLENGER, "hello world"), Prompt.of(Role.REASONER, "what is two plus two"),
        Prompt.of(Role.REASONER, "hello"));
  }

  /** Text whose tokenization must round-trip exactly. */
  protected String roundTripText() {
    return "hello world";
  }

  /** Sampling settings used by the tests. */
  protected SamplingParams params(long seed) {
    return new SamplingParams(1.0, 1.0, 0, 6, List.of(), seed);
  }

  /** Tolerance between sampled and re-scored log-probabilities. */
  protected double logProbTolerance() {
    return 1e-4;
  }

  @BeforeEach
  void createIt() {
    backend = createBackend();
  }

  @AfterEach
  void closeIt() {
    if (backend != null) { // createBackend threw: its own failure is the one to report
      backend.close();
    }
  }

  /**
   * {@link PolicyBackend#generateFromTokens} is optional; a backend that implements it gives exactly
   * what {@link PolicyBackend#generate} gives for the prompts it encodes to those ids.
   */
  @Test
  void generateFromTokensEqualsGenerateForTheEncodedPromptsWhenSupported() {
    List<Prompt> ps = prompts();
    SamplingParams p = params(5);
    List<Completion> viaText = backend.generate(ps, p);
    List<int[]> ids = new ArrayList<>();
    for (Completion c : viaText) {
      ids.add(c.promptTokens());
    }
    List<Completion> viaIds;
    try {
      viaIds = backend.generateFromTokens(ids, null, p);
    } catch (dev.spice.core.SpiceException.UnsupportedOperation e) {
      assertTrue(e.getMessage().contains(backend.name()), "the message names the backend: " + e.getMessage());
      return;
    }
    assertEquals(viaText, viaIds);
  }

  /**
   * {@link PolicyBackend#scoreFromTokens} is optional; a backend that implements it gives exactly
   * what {@link PolicyBackend#scoreContinuations} gives for the unconstrained prompts it encodes to
   * those ids.
   */
  @Test
  void scoreFromTokensEqualsScoreContinuationsForTheEncodedPromptsWhenSupported() {
    List<Prompt> ps = new ArrayList<>();
    for (Prompt p : prompts()) {
      if (p.allowedTokens().isEmpty()) {
        ps.add(p);
      }
    }
    List<Completion> out = backend.generate(ps, params(11));
    List<int[]> ids = new ArrayList<>();
    List<int[]> conts = new ArrayList<>();
    for (Completion c : out) {
      ids.add(c.promptTokens());
      conts.add(c.tokens());
    }
    List<float[]> viaText = backend.scoreContinuations(ps, conts);
    List<float[]> viaIds;
    try {
      viaIds = backend.scoreFromTokens(ids, conts);
    } catch (dev.spice.core.SpiceException.UnsupportedOperation e) {
      assertTrue(e.getMessage().contains(backend.name()), "the message names the backend: " + e.getMessage());
      return;
    }
    assertEquals(viaText.size(), viaIds.size());
    for (int i = 0; i < viaText.size(); i++) {
      assertArrayEquals(viaText.get(i), viaIds.get(i), "row " + i);
    }
  }

  @Test
  void nameIsStable() {
    assertFalse(backend.name().isBlank());
    assertEquals(backend.name(), backend.name());
  }

  @Test
  void generatesOneWellFormedCompletionPerPromptInOrder() {
    List<Prompt> ps = prompts();
    SamplingParams p = params(7);
    List<Completion> out = backend.generate(ps, p);
    assertEquals(ps.size(), out.size());
    for (Completion c : out) {
      assertEquals(c.tokens().length, c.logProbs().length);
      assertTrue(c.tokens().length <= p.maxNewTokens(), "at most maxNewTokens tokens");
      assertTrue(c.promptTokens().length > 0, "prompt tokens are reported");
      for (float lp : c.logProbs()) {
        assertTrue(Float.isFinite(lp) && lp <= 1e-6, "log-probs are finite and <= 0, got " + lp);
      }
      if (c.finishReason() == Completion.FinishReason.LENGTH) {
        assertEquals(p.maxNewTokens(), c.tokens().length);
      }
    }
  }

  @Test
  void emptyBatchGivesEmptyResult() {
    assertTrue(backend.generate(List.of(), params(1)).isEmpty());
  }

  @Test
  void sameSeedGivesSameCompletions() {
    List<Completion> a = backend.generate(prompts(), params(42));
    List<Completion> b = backend.generate(prompts(), params(42));
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).tokens(), b.get(i).tokens(), "row " + i);
      assertEquals(a.get(i).text(), b.get(i).text(), "row " + i);
    }
  }

  @Test
  void scoringAGeneratedCompletionGivesItsSamplingLogProbs() {
    List<Prompt> ps = prompts();
    List<Completion> out = backend.generate(ps, params(3));
    List<int[]> conts = new ArrayList<>();
    for (Completion c : out) {
      conts.add(c.tokens());
    }
    List<float[]> scored = backend.scoreContinuations(ps, conts);
    assertEquals(ps.size(), scored.size());
    for (int i = 0; i < ps.size(); i++) {
      float[] expected = out.get(i).logProbs();
      float[] got = scored.get(i);
      assertEquals(expected.length, got.length, "row " + i);
      for (int t = 0; t < got.length; t++) {
        assertEquals(expected[t], got[t], logProbTolerance(), "row " + i + " token " + t);
      }
    }
  }

  @Test
  void tokenizationRoundTrips() {
    String text = roundTripText();
    assertEquals(text, backend.detokenize(backend.tokenize(text)));
  }

  @Test
  void closeIsIdempotent() {
    PolicyBackend b = createBackend();
    b.close();
    b.close();
  }
}
