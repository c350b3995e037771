package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** {@code rollout_batch_prompts=auto}'s test of the server: spice serve's /v1/models, vLLM's, and failures. */
class ServerKindTest {
  private static final String SPICE = "{\"object\":\"list\",\"data\":[{\"id\":\"tiny\",\"object\":\"model\","
      + "\"created\":1,\"owned_by\":\"spice\",\"root\":\"tiny\",\"parent\":null,\"max_model_len\":256}]}";
  // vLLM's shape (docs.vllm.ai, OpenAI-compatible server, GET /v1/models)
  private static final String VLLM = "{\"object\":\"list\",\"data\":[{\"id\":\"Qwen/Qwen3-4B-Base\",\"object\":"
      + "\"model\",\"created\":1,\"owned_by\":\"vllm\",\"root\":\"Qwen/Qwen3-4B-Base\",\"parent\":null,"
      + "\"max_model_len\":32768}]}";

  @Test
  void onlySpiceServesOwnEntryForTheModelCounts() {
    assertTrue(ServerKind.ownedBySpice(SPICE, "tiny"));
    assertFalse(ServerKind.ownedBySpice(SPICE, "other"), "a model the server does not list");
    assertFalse(ServerKind.ownedBySpice(VLLM, "Qwen/Qwen3-4B-Base"));
    assertFalse(ServerKind.ownedBySpice("not json", "tiny"));
    assertFalse(ServerKind.ownedBySpice("{\"data\":{}}", "tiny"));
    assertFalse(ServerKind.ownedBySpice("[]", "tiny"));
  }

  @Test
  void aServerThatDoesNotAnswerIsNotSpiceServe() {
    assertFalse(ServerKind.isSpiceServe(URI.create("http://127.0.0.1:9"), "tiny"));
  }
}
