package dev.spice.remote;

import dev.spice.core.PolicyBackend;
import dev.spice.core.testing.PolicyBackendContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The core PolicyBackend contract in batched mode ({@code batchPrompts(true)}, at most two prompts
 * per request so that batches are split), against {@link CharModel} on a loopback {@link FakeServer}.
 */
class RemotePolicyBatchedContractTest extends PolicyBackendContract {
  private static FakeServer server;

  @BeforeAll
  static void start() {
    server = new CharModel(null).install(new FakeServer());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Override
  protected PolicyBackend createBackend() {
    return RemotePolicy.builder().baseUrl(server.uri()).model(FakeServer.MODEL).maxConcurrentRequests(3)
        .batchPrompts(true).maxPromptsPerRequest(2).build();
  }
}
