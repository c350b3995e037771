package dev.spice.core.engine;

import dev.spice.core.CorpusSource;
import dev.spice.core.TrainablePolicy;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How a {@link WarmStart} is described to the engine's checkpoint code: its settings map (written
 * into each checkpoint and compared on restore) and the {@link Checkpoints} that write and read its
 * checkpoints in the engine's layout, with checkpoint and restore events passed on to the warm
 * start's listeners.
 */
final class WarmStartCheckpoints {
  private WarmStartCheckpoints() {}

  /** The warm start's settings, in a fixed order; unmodifiable. */
  static Map<String, Object> settings(TrainablePolicy policy, CorpusSource corpus, int maxTokens, Integer startToken,
      int documentsPerStep, DemonstrationMix demonstrations, long seed) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("trainer", "warm_start");
    s.put("corpus", corpus == null ? "none" : corpus.name());
    s.put("policy", policy.name());
    s.put("max_tokens", maxTokens);
    s.put("start_token", startToken == null ? "none" : startToken);
    s.put("documents_per_step", documentsPerStep);
    if (demonstrations != null) {
      // only with demonstrations: checkpoints written before they existed still restore
      s.put("demonstrations", demonstrations.size());
      s.put("demonstrations_per_step", demonstrations.perStep());
    }
    s.put("seed", seed);
    return Collections.unmodifiableMap(s);
  }

  /**
   * The checkpoint writer and reader of a warm start.
   *
   * @param fire calls an event on the warm start's listeners
   */
  static Checkpoints checkpoints(TrainablePolicy policy, CorpusSource corpus, int documentsPerStep, long seed,
      int checkpointEvery, Path runFolder, Map<String, Object> settings, Consumer<Consumer<WarmStartListener>> fire) {
    // The engine's checkpoint code reads the policy, the corpus, the seed and the extra state of an
    // EngineConfig; the self-play settings are not used by it and stay unset.
    EngineConfig cfg = new EngineConfig(policy, null, corpus, corpus != null, null, null, null, documentsPerStep, 0,
        seed, null, null, null, null, checkpointEvery, runFolder, List.of(), Map.of(), null);
    SelfPlayListener bridge = new SelfPlayListener() {
      @Override
      public void onCheckpoint(long iteration, Path directory) {
        fire.accept(l -> l.onCheckpoint(iteration, directory));
      }

      @Override
      public void onRestore(long iteration, Path checkpoint) {
        fire.accept(l -> l.onRestore(iteration, checkpoint));
      }
    };
    return new Checkpoints(cfg, settings, new Events(List.of(bridge)));
  }
}
