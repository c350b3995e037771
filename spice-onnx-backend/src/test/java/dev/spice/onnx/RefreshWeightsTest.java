package dev.spice.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.WordTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weight refresh without rebuilding the graph. */
class RefreshWeightsTest {
  @TempDir Path tmp;

  @Test
  void refreshedPolicyMatchesTheNewCheckpointAndLeavesTheGraphFilesAlone() throws Exception {
    TransformerConfig config = Fixtures.qwen3(50);
    Path a = Fixtures.checkpoint(tmp.resolve("a"), config, 1);
    Path b = Fixtures.checkpoint(tmp.resolve("b"), config, 2);
    OnnxExporter.Result r = OnnxExporter.export(a, tmp.resolve("onnx"));
    byte[] graph = Files.readAllBytes(r.model());
    byte[] data = Files.readAllBytes(r.weights());
    Prompt p = Prompt.of(Role.REASONER, "what is two plus two");
    SamplingParams params = new SamplingParams(1.0, 1.0, 0, 6, List.of(), 4);
    try (OnnxPolicy policy = OnnxPolicy.builder().model(r.model())
        .tokenizer(WordTokenizer.of(Fixtures.vocabulary())).eosTokenIds(List.of()).build()) {
      Completion before = policy.generate(List.of(p), params).get(0);
      checkAgainst(new ReferenceDecoder(a), before);
      OnnxPolicy.RefreshStats stats = policy.refreshWeights(b);
      assertEquals(config.tensorShapes().size(), stats.tensors());
      assertEquals(4 * config.parameterCount(), stats.bytes());
      Completion after = policy.generate(List.of(p), params).get(0);
      checkAgainst(new ReferenceDecoder(b), after);
      // and back again: the refresh is repeatable
      policy.refreshWeights(a);
      assertEquals(before, policy.generate(List.of(p), params).get(0));
    }
    assertArrayEquals(graph, Files.readAllBytes(r.model()));
    assertArrayEquals(data, Files.readAllBytes(r.weights()));
  }

  @Test
  void aMismatchedCheckpointIsRejectedAndTheOldWeightsStay() {
    Path a = Fixtures.checkpoint(tmp.resolve("a"), Fixtures.qwen3(50), 1);
    Path other = Fixtures.checkpoint(tmp.resolve("other"), Fixtures.qwen3(60), 2);
    OnnxExporter.Result r = OnnxExporter.export(a, tmp.resolve("onnx"));
    Prompt p = Prompt.of(Role.REASONER, "hello world");
    SamplingParams params = new SamplingParams(1.0, 1.0, 0, 5, List.of(), 8);
    try (OnnxPolicy policy = OnnxPolicy.builder().model(r.model())
        .tokenizer(WordTokenizer.of(Fixtures.vocabulary())).build()) {
      Completion before = policy.generate(List.of(p), params).get(0);
      var e = assertThrows(SpiceException.BackendException.class, () -> policy.refreshWeights(other));
      assertTrue(e.getMessage().contains("model.embed_tokens.weight") && e.getMessage().contains("[60, 32]"),
          e.getMessage());
      var missing = assertThrows(SpiceException.BackendException.class, () -> policy.refreshWeights(tmp));
      assertTrue(missing.getMessage().contains("model.safetensors"), missing.getMessage());
      assertEquals(before, policy.generate(List.of(p), params).get(0));
    }
  }

  @Test
  void nonFiniteWeightsAreRefusedNamingTheTensorAndTheOldWeightsStayUnlessAllowed() {
    Path a = Fixtures.checkpoint(tmp.resolve("a"), Fixtures.qwen3(50), 1);
    Path nan = Fixtures.checkpoint(tmp.resolve("nan"), Fixtures.qwen3(50), 2);
    List<SafeTensors.Tensor> ts = new ArrayList<>();
    try (SafeTensors.Reader r = SafeTensors.openDirectory(nan)) {
      for (String n : r.names()) {
        float[] v = r.floats(n);
        if (n.equals("model.layers.1.mlp.up_proj.weight")) {
          v[5] = Float.NaN;
          v[9] = Float.NEGATIVE_INFINITY;
        }
        ts.add(new SafeTensors.Tensor(n, r.info(n).shape(), v));
      }
    }
    SafeTensors.write(nan.resolve("model.safetensors"), ts, Map.of());
    OnnxExporter.Result r = OnnxExporter.export(a, tmp.resolve("onnx"));
    Prompt p = Prompt.of(Role.REASONER, "hello world");
    SamplingParams params = new SamplingParams(1.0, 1.0, 0, 5, List.of(), 8);
    try (OnnxPolicy policy = OnnxPolicy.builder().model(r.model())
        .tokenizer(WordTokenizer.of(Fixtures.vocabulary())).build()) {
      Completion before = policy.generate(List.of(p), params).get(0);
      // Before: the refresh succeeded and every later log-prob was NaN.
      var e = assertThrows(SpiceException.BackendException.class, () -> policy.refreshWeights(nan));
      assertTrue(e.getMessage().startsWith(nan.resolve("model.safetensors") + ": tensor 'model.layers.1.mlp.up_proj"
          + ".weight' holds 2 non-finite value(s); the first is NaN at flat index 5"), e.getMessage());
      assertTrue(e.getMessage().endsWith("(to load them anyway: OnnxPolicy.builder().allowNonFiniteWeights(true)); "
          + "weights not refreshed"), e.getMessage());
      assertEquals(before, policy.generate(List.of(p), params).get(0));
    }
    try (OnnxPolicy allowing = OnnxPolicy.builder().model(r.model()).allowNonFiniteWeights(true)
        .tokenizer(WordTokenizer.of(Fixtures.vocabulary())).build()) {
      assertEquals(Fixtures.qwen3(50).tensorShapes().size(), allowing.refreshWeights(nan).tensors());
      Completion after = allowing.generate(List.of(p), params).get(0);
      assertTrue(Double.isNaN(after.logProbs()[0]), "the NaN weights are in use: " + after);
    }
  }

  private static void checkAgainst(ReferenceDecoder ref, Completion c) {
    int[] full = OnnxPolicyTest.concat(c.promptTokens(), c.tokens());
    double[][] logits = ref.logits(full);
    for (int t = 0; t < c.tokens().length; t++) {
      double want = OnnxPolicyTest.logSoftmax(logits[c.promptTokens().length - 1 + t], c.tokens()[t]);
      assertEquals(want, c.logProbs()[t], 1e-4, "token " + t);
    }
  }
}
