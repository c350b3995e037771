package dev.spice.remote;

import dev.spice.core.PolicyBackend;
import dev.spice.core.testing.PolicyBackendContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The core PolicyBackend contract, against {@link CharModel} served by a loopback {@link FakeServer}. */
class RemotePolicyContractTest extends PolicyBackendContract {
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
    return RemotePolicy.builder().baseUrl(server.uri()).model(FakeServer.MODEL).maxConcurrentRequests(3).build();
  }
}
