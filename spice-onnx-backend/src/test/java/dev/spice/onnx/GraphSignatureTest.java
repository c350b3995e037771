package dev.spice.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.spice.core.SpiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decoder layout of {@link OnnxPolicy} (Hugging Face Optimum names) read from a graph's own
 * inputs and outputs; graphs that break it are refused naming the file and the input. The graphs
 * here are tiny stand-ins: logits from the ids, each present output an Identity of its past input.
 */
class GraphSignatureTest {
  @TempDir Path dir;

  /** A graph with input_ids, attention_mask and [batch, seq, 1] logits, plus whatever {@code more} adds. */
  private GraphSignature signature(String name, Consumer<GraphBuilder> more) throws Exception {
    GraphBuilder g = new GraphBuilder(name);
    g.input("input_ids", GraphBuilder.INT64, "b", "s");
    g.input("attention_mask", GraphBuilder.INT64, "b", "t");
    String f = g.op("Cast", null, new String[] {"input_ids"}, "to", (long) GraphBuilder.FLOAT);
    g.output("logits", GraphBuilder.FLOAT, "b", "s", 1L);
    g.op("Unsqueeze", "logits", new String[] {f, g.longs(2)});
    more.accept(g);
    Path file = dir.resolve(name + ".onnx");
    Files.write(file, GraphBuilder.model(g.build(), 17, "test", "0").toByteArray());
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = env.createSession(file.toString(), o)) {
      return GraphSignature.of(s, file);
    }
  }

  /** past_key_values.{layer}.{kind} of [b, kv, p, d] and its present output. */
  private static void past(GraphBuilder g, int layer, String kind, Object kv, Object d) {
    String in = "past_key_values." + layer + "." + kind;
    String out = "present." + layer + "." + kind;
    g.input(in, GraphBuilder.FLOAT, "b", kv, "p", d);
    g.output(out, GraphBuilder.FLOAT, "b", kv, "p", d);
    g.op("Identity", out, new String[] {in});
  }

  private static void layer(GraphBuilder g, int layer, long kv, long d) {
    past(g, layer, "key", kv, d);
    past(g, layer, "value", kv, d);
  }

  private String refused(String name, Consumer<GraphBuilder> more) {
    String m = assertThrows(SpiceException.BackendException.class, () -> signature(name, more)).getMessage();
    String what = "model " + dir.resolve(name + ".onnx");
    assertEquals(what, m.substring(0, Math.min(m.length(), what.length())), m);
    return m.substring(what.length());
  }

  @Test
  void aGraphWithoutCacheRecomputesEverything() throws Exception {
    GraphSignature s = signature("plain", g -> { });
    assertEquals(new GraphSignature(false, false, false, 0, 0, 0, 1), s);
  }

  @Test
  void cacheLayersHeadsAndPositionsAreReadFromTheInputs() throws Exception {
    GraphSignature s = signature("cached", g -> {
      g.input("position_ids", GraphBuilder.INT64, "b", "s");
      layer(g, 0, 2, 4);
      layer(g, 1, 2, 4);
      layer(g, 2, 2, 4);
    });
    assertEquals(new GraphSignature(true, true, false, 3, 2, 4, 1), s);
    GraphSignature branch = signature("branch", g -> {
      g.input("use_cache_branch", GraphBuilder.BOOL, 1L);
      layer(g, 0, 1, 8);
    });
    assertEquals(new GraphSignature(true, false, true, 1, 1, 8, 1), branch);
  }

  @Test
  void headsAndHeadSizeMustBeFixedAndPositive() {
    assertEquals(": input 'past_key_values.0.key' must have fixed kv_heads and head_dim, got [-1, 0, -1, 4]",
        refused("zeroheads", g -> layer(g, 0, 0, 4)));
    assertEquals(": input 'past_key_values.0.key' must have fixed kv_heads and head_dim, got [-1, 2, -1, 0]",
        refused("zerodim", g -> layer(g, 0, 2, 0)));
    assertEquals(": input 'past_key_values.0.key' must have fixed kv_heads and head_dim, got [-1, 2, -1, -1]",
        refused("symbolic", g -> {
          past(g, 0, "key", 2L, "d");
          past(g, 0, "value", 2L, "d");
        }));
  }

  @Test
  void keysValuesAndLayersMustAgree() {
    assertEquals(": key and value of layer 0 differ in shape", refused("kv", g -> {
      past(g, 0, "key", 2L, 4L);
      past(g, 0, "value", 2L, 8L);
    }));
    assertEquals(": key and value of layer 0 differ in shape", refused("kv2", g -> {
      past(g, 0, "key", 2L, 4L);
      past(g, 0, "value", 1L, 4L);
    }));
    assertEquals(": layers have different kv_heads or head_dim", refused("layers", g -> {
      layer(g, 0, 2, 4);
      layer(g, 1, 2, 8);
    }));
    assertEquals(": layers have different kv_heads or head_dim", refused("layers2", g -> {
      layer(g, 0, 2, 4);
      layer(g, 1, 1, 4);
    }));
    assertEquals(": cache inputs are not numbered 0..1; layers found [0, 2]", refused("gap", g -> {
      layer(g, 0, 2, 4);
      layer(g, 2, 2, 4);
    }));
    assertEquals(": cache inputs are not numbered 0..0; layers found [1]", refused("one", g -> layer(g, 1, 2, 4)));
    assertEquals(" has input 'past_key_values.0.key' but no input 'past_key_values.0.value'",
        refused("nopartner", g -> past(g, 0, "key", 2L, 4L)));
    assertEquals(" has input 'use_cache_branch' but no past_key_values inputs",
        refused("branchonly", g -> g.input("use_cache_branch", GraphBuilder.BOOL, 1L)));
  }

  @Test
  void inputsMustHaveTheDocumentedTypes() {
    assertEquals(": input 'position_ids' is FLOAT [-1, -1], expected int64 [batch, sequence] (unexpected dtype or rank)",
        refused("floatpos", g -> g.input("position_ids", GraphBuilder.FLOAT, "b", "s")));
    assertEquals(": input 'past_key_values.0.key' is FLOAT [-1, 2, 4], expected float32 [batch, kv_heads,"
        + " past_sequence, head_dim] (unexpected dtype or rank)", refused("rank3", g -> {
          g.input("past_key_values.0.key", GraphBuilder.FLOAT, "b", 2L, 4L);
          g.input("past_key_values.0.value", GraphBuilder.FLOAT, "b", 2L, 4L);
        }));
  }
}
