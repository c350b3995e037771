package dev.spice.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.testing.ScriptedPolicy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SupervisedSample} validation, copies and helpers; the optional {@link TrainablePolicy#supervisedUpdate}. */
class SupervisedSampleTest {

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void invalidSamplesAreRejectedWithClearMessages() {
    assertTrue(message(() -> new SupervisedSample(new int[0], new int[] {1}, 1)).contains("promptTokens is empty"));
    assertTrue(message(() -> new SupervisedSample(new int[] {1}, new int[0], 1)).contains("targetTokens is empty"));
    String m = message(() -> new SupervisedSample(new int[] {1, -3}, new int[] {1}, 1));
    assertTrue(m.contains("promptTokens[1] is -3"), m);
    m = message(() -> new SupervisedSample(new int[] {1}, new int[] {4, 5, -1}, 1));
    assertTrue(m.contains("targetTokens[2] is -1"), m);
    for (double w : new double[] {-0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      m = message(() -> new SupervisedSample(new int[] {1}, new int[] {2}, w));
      assertTrue(m.contains("weight must be finite and >= 0, got " + w), m);
    }
    m = message(() -> SupervisedSample.document(new int[] {7}));
    assertTrue(m.contains("at least 2 tokens, got 1"), m);
    assertThrows(NullPointerException.class, () -> new SupervisedSample(null, new int[] {1}, 1));
    assertThrows(NullPointerException.class, () -> new SupervisedSample(new int[] {1}, null, 1));
    // Weight 0 is allowed: the sample contributes nothing.
    assertEquals(0.0, new SupervisedSample(new int[] {1}, new int[] {2}, 0).weight());
  }

  @Test
  void arraysAreCopiedInAndOut() {
    int[] prompt = {7, 8};
    int[] target = {1, 2, 3};
    SupervisedSample s = new SupervisedSample(prompt, target, 0.5);
    prompt[0] = 99;
    target[0] = 99;
    s.promptTokens()[1] = 42;
    s.targetTokens()[1] = 42;
    assertArrayEquals(new int[] {7, 8}, s.promptTokens());
    assertArrayEquals(new int[] {1, 2, 3}, s.targetTokens());
    assertEquals(2, s.promptLength());
    assertEquals(3, s.targetLength());
    assertEquals(s, new SupervisedSample(new int[] {7, 8}, new int[] {1, 2, 3}, 0.5));
    assertEquals(s.hashCode(), new SupervisedSample(new int[] {7, 8}, new int[] {1, 2, 3}, 0.5).hashCode());
    assertNotEquals(s, s.withWeight(1));
    assertTrue(s.toString().contains("targetTokens=3"), s.toString());
  }

  @Test
  void documentHelpers() {
    SupervisedSample afterBos = SupervisedSample.document(2, new int[] {5, 6, 7});
    assertArrayEquals(new int[] {2}, afterBos.promptTokens());
    assertArrayEquals(new int[] {5, 6, 7}, afterBos.targetTokens());
    assertEquals(1.0, afterBos.weight());
    SupervisedSample afterFirst = SupervisedSample.document(new int[] {5, 6, 7});
    assertArrayEquals(new int[] {5}, afterFirst.promptTokens());
    assertArrayEquals(new int[] {6, 7}, afterFirst.targetTokens());
    assertEquals(SupervisedSample.of(new int[] {5}, new int[] {6, 7}), afterFirst);
  }

  @Test
  void backendsWithoutSupervisedUpdatesSaySo() {
    TrainablePolicy none = new TrainablePolicy() {
      @Override
      public String name() {
        return "inference-only";
      }

      @Override
      public List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
        return List.of();
      }

      @Override
      public List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations) {
        return List.of();
      }

      @Override
      public int[] tokenize(String text) {
        return new int[0];
      }

      @Override
      public String detokenize(int[] tokens) {
        return "";
      }

      @Override
      public UpdateStats update(List<TrainingSample> samples, LossSettings loss) {
        return UpdateStats.empty();
      }

      @Override
      public void saveCheckpoint(Path directory) {}

      @Override
      public void loadCheckpoint(Path directory) {}
    };
    SpiceException e = assertThrows(SpiceException.BackendException.class,
        () -> none.supervisedUpdate(List.of(SupervisedSample.document(2, new int[] {3}))));
    assertTrue(e.getMessage().contains("'inference-only'") && e.getMessage().contains("supervised"), e.getMessage());
  }

  @Test
  void scriptedPolicyCountsSupervisedUpdates() {
    ScriptedPolicy p = new ScriptedPolicy((prompt, row, seed, policy) -> "a");
    assertTrue(p.supervisedUpdate(List.of()).skipped());
    UpdateStats st = p.supervisedUpdate(List.of(SupervisedSample.document(new int[] {1, 2, 3})));
    assertFalse(st.skipped());
    assertEquals(2, st.numTokens());
    assertEquals(Math.log(2), st.loss(), 1e-12);
    assertEquals(1, p.version());
    UpdateStats zero = p.supervisedUpdate(List.of(SupervisedSample.document(new int[] {1, 2}).withWeight(0)));
    assertTrue(zero.skipped());
    assertEquals(1, p.version());
    assertEquals(1, p.supervisedUpdates().size());
  }
}
