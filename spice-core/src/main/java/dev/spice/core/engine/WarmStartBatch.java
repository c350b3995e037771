package dev.spice.core.engine;

import dev.spice.core.Document;
import dev.spice.core.SpiceException;
import dev.spice.core.SupervisedSample;
import dev.spice.core.TrainablePolicy;
import dev.spice.core.sampling.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The samples of one {@link WarmStart} step and their bookkeeping: one window per corpus document
 * (documents with fewer than 2 tokens skipped), then the step's demonstrations. Built by
 * {@link #of}; nothing here touches the policy's weights.
 */
final class WarmStartBatch {
  final List<SupervisedSample> samples = new ArrayList<>();
  final List<WarmStartResult.DocumentWindow> windows = new ArrayList<>();
  final List<String> skipped = new ArrayList<>();
  final List<Integer> demonstrations;
  int documentSamples;
  int documentTokens;
  int demonstrationTokens;
  int cut;

  private WarmStartBatch(List<Integer> demonstrations) {
    this.demonstrations = demonstrations;
  }

  /**
   * The batch of step {@code step}.
   *
   * @param docs the documents read for it, in order
   * @param mix the demonstrations, or null
   * @throws SpiceException.BackendException if the policy's tokenizer returns null
   */
  static WarmStartBatch of(TrainablePolicy policy, List<Document> docs, DemonstrationMix mix, long seed, long step,
      int maxTokens, Integer startToken) {
    WarmStartBatch b = new WarmStartBatch(mix == null ? List.of() : mix.indices(seed, step));
    int windowTokens = startToken == null ? maxTokens : maxTokens - 1;
    for (int i = 0; i < docs.size(); i++) {
      Document d = docs.get(i);
      int[] tokens = policy.tokenize(d.text());
      if (tokens == null) {
        throw new SpiceException.BackendException("policy " + policy.name() + " returned null tokens for document " + d.id());
      }
      if (tokens.length < 2) {
        b.skipped.add(d.id());
        b.windows.add(new WarmStartResult.DocumentWindow(d.id(), tokens.length, 0, 0));
        continue;
      }
      int w = Math.min(tokens.length, windowTokens);
      int offset = windowOffset(seed, step, i, tokens.length, w);
      int[] window = Arrays.copyOfRange(tokens, offset, offset + w);
      SupervisedSample sample = startToken == null
          ? SupervisedSample.document(window)
          : SupervisedSample.document(startToken, window);
      b.samples.add(sample);
      b.documentSamples++;
      b.documentTokens += sample.targetLength();
      if (w < tokens.length) {
        b.cut++;
      }
      b.windows.add(new WarmStartResult.DocumentWindow(d.id(), tokens.length, offset, w));
    }
    for (int index : b.demonstrations) {
      SupervisedSample sample = mix.sample(index);
      b.samples.add(sample);
      b.demonstrationTokens += sample.targetLength();
    }
    return b;
  }

  /** Offset of the window of {@code w} tokens in the {@code index}-th document ({@code n} tokens) of step {@code s}. */
  static int windowOffset(long seed, long s, int index, int n, int w) {
    return (int) Math.floorMod(Seeds.mix(Seeds.mix(seed, s), index), (long) (n - w + 1));
  }
}
