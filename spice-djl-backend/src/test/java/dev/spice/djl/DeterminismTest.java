package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.TrainingSample;
import dev.spice.core.UpdateStats;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Same seed, same run, bit for bit, even when the JVM frees and reuses native memory between a
 * forward pass and its backward.
 *
 * <p>Regression test for a use-after-free: DJL's {@code NDArray.mul(Number)} / {@code pow(Number)}
 * wrap the number in a tensor over a Java direct buffer and close it right after the forward op,
 * but PyTorch's autograd keeps reading that memory in the backward. Once the JVM freed and reused
 * the buffer, gradients were scaled by garbage: an occasional NaN gradient norm (a skipped step),
 * and runs with the same seed that differed. The test seam {@link DjlPolicyImpl#beforeBackward}
 * forces a collection and reuses small direct buffers filled with NaN bits right before each
 * backward, so any such read shows up as a skipped step or a difference between runs.
 */
class DeterminismTest {
  private static final List<String> ALLOWED = List.of("w1", "w2", "w3", "w4", "w5", "w6");

  /** One seeded quickstart-shaped run: 4 iterations of shared-prompt generation and an update. */
  private static String run(long seed) {
    StringBuilder trace = new StringBuilder();
    try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 11).tokenizer(Fixtures.tokenizer())
        .optimizer(OptimizerSettings.adamW(1e-2)).keepReference(true).eosWhenConstrained(false).build()) {
      LossSettings loss = new LossSettings(0.2, 0.28, 0.05, Fixtures.constant(4));
      for (int it = 0; it < 4; it++) {
        List<Prompt> prompts = new ArrayList<>();
        for (int d = 0; d < 4; d++) {
          StringBuilder doc = new StringBuilder();
          for (int j = 0; j < 12 + 3 * d; j++) {
            doc.append(j == 0 ? "" : " ").append("w").append((7 * d + 5 * j + it) % 40);
          }
          for (int g = 0; g < 4; g++) {
            prompts.add(Prompt.of(Role.CHALLENGER, doc.toString()));
          }
        }
        int free = prompts.size();
        for (int q = 0; q < 4; q++) {
          Prompt task = new Prompt(Role.REASONER, "w" + (q + it) + " w" + (q + 20), ALLOWED);
          for (int g = 0; g < 4; g++) {
            prompts.add(task);
          }
        }
        List<Completion> cs = new ArrayList<>(p.generate(prompts.subList(0, free),
            new SamplingParams(1.0, 1.0, 0, 3, List.of(), seed + it)));
        cs.addAll(p.generate(prompts.subList(free, prompts.size()),
            new SamplingParams(1.0, 1.0, 0, 1, List.of(), seed + 100 + it)));
        List<TrainingSample> batch = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
          Completion c = cs.get(i);
          trace.append(Arrays.toString(c.tokens())).append(bits(c.logProbs())).append(';');
          double adv = ((i * 7) % 5 - 2) * 0.5;
          batch.add(TrainingSample.of(prompts.get(i).role(), prompts.get(i), c, adv, "g" + i / 4));
        }
        UpdateStats st = p.update(batch, loss);
        assertFalse(st.skipped(), "iteration " + it + " skipped: " + st.skipReason());
        assertTrue(Double.isFinite(st.gradNorm()) && st.gradNorm() > 0, "grad norm " + st.gradNorm());
        trace.append("\nupdate ").append(it).append(" loss ").append(Double.doubleToLongBits(st.loss()))
            .append(" grad_norm ").append(Double.doubleToLongBits(st.gradNorm()))
            .append(" kl ").append(Double.doubleToLongBits(st.kl()))
            .append(" entropy ").append(Double.doubleToLongBits(st.entropy())).append('\n');
      }
      trace.append("weights ").append(Arrays.hashCode(((DjlPolicyImpl) p).weights()));
    }
    return trace.toString();
  }

  private static String bits(float[] a) {
    StringBuilder sb = new StringBuilder("[");
    for (float f : a) {
      sb.append(Integer.toHexString(Float.floatToRawIntBits(f))).append(' ');
    }
    return sb.append(']').toString();
  }

  /** Collects garbage and hands freed small native blocks back out, filled with NaN bits. */
  private static void churnNativeHeap() {
    System.gc();
    try {
      Thread.sleep(5); // the Cleaner thread frees unreachable direct buffers
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<ByteBuffer> reuse = new ArrayList<>();
    for (int i = 0; i < 512; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(4 + 4 * (i % 4));
      for (int j = 0; j + 4 <= b.capacity(); j += 4) {
        b.putInt(j, 0x7fc00001); // a NaN
      }
      reuse.add(b);
    }
    CHURN_SINK.add(reuse);
    if (CHURN_SINK.size() > 8) {
      CHURN_SINK.remove(0);
    }
  }

  private static final List<Object> CHURN_SINK = new ArrayList<>();

  @Test
  void sameSeedRunsAreBitIdenticalEvenIfMemoryIsFreedBeforeTheBackward() {
    String plain = run(5);
    DjlPolicyImpl.beforeBackward = DeterminismTest::churnNativeHeap;
    try {
      for (int r = 0; r < 3; r++) {
        assertEquals(plain, run(5), "run " + r + " (native memory churned before each backward) differs from "
            + "the same seeded run without churn");
      }
    } finally {
      DjlPolicyImpl.beforeBackward = null;
    }
    assertEquals(plain, run(5), "a fresh policy in the same JVM differs");
  }
}
