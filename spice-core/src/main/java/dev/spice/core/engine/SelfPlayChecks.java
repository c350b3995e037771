package dev.spice.core.engine;

import java.util.ArrayList;
import java.util.List;

/** The checks of {@link SelfPlay.Builder#build()}: every wrong setting, named with its valid values. */
final class SelfPlayChecks {
  private SelfPlayChecks() {}

  static List<String> errors(SelfPlay.Builder b) {
    List<String> errors = new ArrayList<>();
    if (b.policy == null) {
      errors.add("policy is missing: set a TrainablePolicy with policy(...), e.g. a DjlPolicy");
    }
    if (b.recipe == null) {
      errors.add("recipe is missing: set one with recipe(...), e.g. Presets.spice() from spice-rewards");
    }
    if (b.corpusGrounded && b.corpus == null) {
      errors.add("corpus is missing: set a CorpusSource with corpus(...), or corpusGrounded(false) for the no-corpus baseline");
    }
    if (!b.corpusGrounded && b.corpus != null) {
      errors.add("corpus is set but corpusGrounded(false): the no-corpus mode reads no corpus; remove one of them");
    }
    if (b.challenger == null) {
      errors.add("challenger is null: valid values are any Challenger, e.g. Roles.jsonChallenger()");
    }
    if (b.reasoner == null) {
      errors.add("reasoner is null: valid values are any Reasoner, e.g. Roles.boxedReasoner()");
    }
    if (b.batchSize < 1) {
      errors.add("batchSize (B) must be >= 1, got " + b.batchSize);
    }
    if (b.recipe != null) {
      EngineConfig.checkGroupSizes(b.recipe, b.maxChallengerAttempts, errors);
    }
    if (b.zeroVariancePolicy == null) {
      errors.add("zeroVariancePolicy is null: valid values are " + java.util.Arrays.toString(ZeroVariancePolicy.values()));
    }
    if (b.challengerSampling == null || b.reasonerSampling == null) {
      errors.add("sampling parameters must not be null");
    }
    if (b.rewardTimeout == null || b.rewardTimeout.isNegative() || b.rewardTimeout.isZero()) {
      errors.add("rewardTimeout must be a positive duration, got " + b.rewardTimeout);
    }
    if (b.runFolder != null && b.checkpointDirectory != null && !b.checkpointDirectory.equals(b.runFolder)) {
      errors.add("checkpointEvery writes to " + b.checkpointDirectory + " but runFolder is " + b.runFolder
          + "; use one folder");
    }
    if (b.checkpointEvery < 0 || (b.checkpointEvery > 0 && b.checkpointDirectory == null && b.runFolder == null)) {
      errors.add("checkpointEvery needs iterations >= 1 and a run directory, got " + b.checkpointEvery + ", " + b.checkpointDirectory);
    }
    hybrid(b, errors);
    return errors;
  }

  /** Hybrid training: rollouts and policySync together, k >= 1, and k - 1 <= maxStaleness. */
  private static void hybrid(SelfPlay.Builder b, List<String> errors) {
    if (b.rollouts != null && b.policySync == null) {
      errors.add("rollouts(...) is set without policySync(...): say how the rollout backend gets the trainer's"
          + " updates, e.g. RemoteAdapterSync from spice-remote-backend, or PolicySync.sharedWeights() for a"
          + " backend that reads the trainer's weights itself");
    }
    if (b.rollouts == null && b.policySync != null) {
      errors.add("policySync(...) is set without rollouts(...): the trained policy generates its own rollouts"
          + " and needs no sync; set the rollout backend with rollouts(...)");
    }
    if (b.rollouts != null && b.rollouts == b.policy) {
      errors.add("rollouts(...) is the trained policy itself; leave rollouts unset to generate with it");
    }
    if (b.policySync != null && b.syncEvery < 1) {
      errors.add("policySync everyUpdates must be >= 1, got " + b.syncEvery);
    }
    if (b.maxStaleness < 0) {
      errors.add("maxStaleness must be >= 0 versions, got " + b.maxStaleness);
    } else if (b.policySync != null && b.syncEvery >= 1 && b.syncEvery - 1 > b.maxStaleness) {
      errors.add("policySync every " + b.syncEvery + " updates trains on rollouts up to " + (b.syncEvery - 1)
          + " versions old, but maxStaleness is " + b.maxStaleness + "; set maxStaleness(" + (b.syncEvery - 1)
          + ") or more, or sync more often (everyUpdates <= " + (b.maxStaleness + 1) + ")");
    }
  }
}
