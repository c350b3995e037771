package dev.spice.serve;

import dev.spice.core.Completion;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic policy over the words {@code w0 .. w<vocab-1>} ({@code w0} is end-of-sequence):
 * row {@code i} of a batch draws its tokens from a stream seeded by {@code (seed, i, offset)},
 * honouring allowed ids; the log-prob of token {@code t} is {@code -(1 + t / 100 + offset)}. It
 * counts concurrent calls (the server must never make two) and can be made to block, ignoring
 * interrupts as native code does.
 */
final class FakePolicy implements PolicyBackend {
  static final int VOCAB = 50;
  private final String name;
  private final int offset;
  final AtomicInteger active = new AtomicInteger();
  final AtomicInteger maxActive = new AtomicInteger();
  final AtomicInteger generateCalls = new AtomicInteger();
  volatile CountDownLatch block;

  FakePolicy(String name, int offset) {
    this.name = name;
    this.offset = offset;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
    List<int[]> ids = new ArrayList<>();
    for (Prompt p : prompts) {
      ids.add(tokenize(p.text()));
    }
    return generateFromTokens(ids, null, params);
  }

  @Override
  public List<Completion> generateFromTokens(List<int[]> promptTokens, int[] allowed, SamplingParams params) {
    int now = active.incrementAndGet();
    maxActive.accumulateAndGet(now, Math::max);
    generateCalls.incrementAndGet();
    try {
      CountDownLatch b = block;
      if (b != null) {
        awaitUninterruptibly(b);
      }
      List<Completion> out = new ArrayList<>();
      for (int i = 0; i < promptTokens.size(); i++) {
        int[] prompt = promptTokens.get(i);
        for (int id : prompt) {
          if (id >= VOCAB) {
            throw new SpiceException.InvalidInputException("prompt " + i + ": token id " + id + " is outside [0, "
                + VOCAB + ")");
          }
        }
        SplittableRandom rng = new SplittableRandom(params.seed() * 1_000_003L + i * 7919L + offset
            + Arrays.hashCode(prompt));
        int[] toks = new int[params.maxNewTokens()];
        float[] lps = new float[toks.length];
        int n = 0;
        Completion.FinishReason fin = Completion.FinishReason.LENGTH;
        while (n < toks.length) {
          int t = allowed == null || allowed.length == 0 ? rng.nextInt(VOCAB) : allowed[rng.nextInt(allowed.length)];
          if (params.topK() == 1) {
            t = allowed == null || allowed.length == 0 ? 1 : allowed[0];
          }
          toks[n] = t;
          lps[n] = -(1 + t / 100f + offset);
          n++;
          if (t == 0) {
            fin = Completion.FinishReason.STOP;
            break;
          }
        }
        int[] got = Arrays.copyOf(toks, n);
        out.add(new Completion(detokenize(got), prompt, got, Arrays.copyOf(lps, n), fin));
      }
      return out;
    } finally {
      active.decrementAndGet();
    }
  }

  /** Like a native generation step, blocking ignores interrupts (for at most 30 s). */
  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (latch.getCount() > 0 && System.nanoTime() < end) {
      try {
        latch.await(end - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations) {
    throw new SpiceException.UnsupportedOperation("fake policy does not score");
  }

  /**
   * Log-prob of token {@code t} after token {@code prev} at position {@code pos}:
   * {@code -(0.5 + ((prev * 31 + t) % 17) / 10 + pos / 1000 + offset)}.
   */
  static float scoreOf(int prev, int t, int pos, int offset) {
    return -(0.5f + ((prev * 31 + t) % 17) / 10f + pos / 1000f + offset);
  }

  @Override
  public List<float[]> scoreFromTokens(List<int[]> promptTokens, List<int[]> continuations) {
    generateCalls.incrementAndGet();
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < promptTokens.size(); i++) {
      int[] p = promptTokens.get(i);
      int[] c = continuations.get(i);
      int[] all = Arrays.copyOf(p, p.length + c.length);
      System.arraycopy(c, 0, all, p.length, c.length);
      for (int id : all) {
        if (id >= VOCAB) {
          throw new SpiceException.InvalidInputException("prompt " + i + ": token id " + id + " is outside [0, " + VOCAB
              + ")");
        }
      }
      float[] lp = new float[c.length];
      for (int j = 0; j < c.length; j++) {
        int pos = p.length + j;
        lp[j] = scoreOf(all[pos - 1], all[pos], pos, offset);
      }
      out.add(lp);
    }
    return out;
  }

  @Override
  public int[] tokenize(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      return new int[0];
    }
    String[] words = t.split("\\s+");
    int[] ids = new int[words.length];
    for (int i = 0; i < words.length; i++) {
      if (!words[i].matches("w\\d+") || Integer.parseInt(words[i].substring(1)) >= VOCAB) {
        throw new SpiceException.InvalidInputException("word '" + words[i] + "' is not in the vocabulary");
      }
      ids[i] = Integer.parseInt(words[i].substring(1));
    }
    return ids;
  }

  @Override
  public String detokenize(int[] tokens) {
    StringBuilder sb = new StringBuilder();
    for (int t : tokens) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append('w').append(t);
    }
    return sb.toString();
  }
}
