package dev.spice.core.engine;

import dev.spice.core.Document;
import dev.spice.core.SpiceException;
import dev.spice.core.SupervisedSample;
import dev.spice.core.TrainablePolicy;
import dev.spice.core.UpdateStats;
import dev.spice.core.sampling.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples of one {@link WarmStart} step and their bookkeeping: one window per corpus document
 * (documents with fewer than 2 tokens skipped), then the step's demonstrations. Built by
 * {@link #of}; nothing here touches the policy's weights.
 */
final class WarmStartBatch {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WarmStart.class);
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

  /** Ids of skipped documents named in one warning line, at most. */
  private static final int LOGGED_IDS = 5;

  /** Logs one WARN naming (some of) the documents of step {@code step} skipped for having fewer than 2 tokens. */
  void logSkipped(long step, int documents) {
    if (!skipped.isEmpty()) {
      LOG.warn("warm-start step {}: skipped {} of {} documents with fewer than 2 tokens: {}{}", step, skipped.size(),
          documents, String.join(", ", skipped.subList(0, Math.min(LOGGED_IDS, skipped.size()))),
          skipped.size() > LOGGED_IDS ? ", ..." : "");
    }
  }

  /**
   * The step's metrics ({@link WarmStartMetricNames}) after its update.
   *
   * @param stats the update's statistics ({@link UpdateStats#empty()} when nothing was trained)
   * @param seconds the step's wall time
   */
  Map<String, Double> metrics(UpdateStats stats, double seconds) {
    Map<String, Double> m = new LinkedHashMap<>();
    boolean trained = !samples.isEmpty();
    m.put(WarmStartMetricNames.LOSS, trained ? stats.loss() : Double.NaN);
    m.put(WarmStartMetricNames.GRAD_NORM, trained ? stats.gradNorm() : Double.NaN);
    m.put(WarmStartMetricNames.ENTROPY, trained ? stats.entropy() : Double.NaN);
    m.put(WarmStartMetricNames.SAMPLES, (double) documentSamples);
    m.put(WarmStartMetricNames.TOKENS, (double) documentTokens);
    m.put(WarmStartMetricNames.DEMONSTRATIONS, (double) demonstrations.size());
    m.put(WarmStartMetricNames.DEMONSTRATION_TOKENS, (double) demonstrationTokens);
    m.put(WarmStartMetricNames.SKIPPED_DOCUMENTS, (double) skipped.size());
    m.put(WarmStartMetricNames.CUT_DOCUMENTS, (double) cut);
    m.put(WarmStartMetricNames.UPDATE_SKIPPED, stats.skipped() ? 1.0 : 0.0);
    m.put(WarmStartMetricNames.STEP_TIME, seconds);
    m.put(WarmStartMetricNames.TOKENS_PER_SECOND, seconds > 0 ? (documentTokens + demonstrationTokens) / seconds : 0.0);
    return m;
  }
}
