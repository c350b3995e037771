package dev.spice.core.contracts;

import dev.spice.core.TrainablePolicy;
import dev.spice.core.testing.ScriptedPolicy;
import dev.spice.core.testing.TrainablePolicyContract;

/** The scripted fixture passes the backend contract (it does not learn, so that part is off). */
class ScriptedPolicyContractTest extends TrainablePolicyContract {
  @Override
  protected TrainablePolicy createBackend() {
    return new ScriptedPolicy((prompt, row, seed, policy) -> "answer " + Math.floorMod(seed, 5) + " done");
  }

  @Override
  protected boolean learns() {
    return false;
  }
}
