package dev.spice.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.Tokenizer;
import dev.spice.core.text.WordTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation and scoring of {@link OnnxPolicy} on exported random-weight models. */
class OnnxPolicyTest {
  static final double TOL = 1e-4;
  @TempDir static Path tmp;
  static Path ckpt;
  static OnnxPolicy cached;
  static OnnxPolicy plain;
  static ReferenceDecoder ref;

  @BeforeAll
  static void export() {
    TransformerConfig config = Fixtures.qwen2(50);
    ckpt = Fixtures.checkpoint(tmp.resolve("ckpt"), config, 5);
    Fixtures.tokenizerJson(ckpt);
    OnnxExporter.Result r = OnnxExporter.export(ckpt, tmp.resolve("onnx"));
    assertTrue(r.copiedFiles().contains(tmp.resolve("onnx").resolve("tokenizer.json")));
    OnnxExporter.export(ckpt, tmp.resolve("onnx-plain"), false);
    cached = OnnxPolicy.builder().model(tmp.resolve("onnx")).intraOpThreads(1).build();
    plain = OnnxPolicy.builder().model(tmp.resolve("onnx-plain"))
        .tokenizer(WordTokenizer.of(Fixtures.vocabulary())).intraOpThreads(1).build();
    ref = new ReferenceDecoder(ckpt);
  }

  @AfterAll
  static void close() {
    cached.close();
    plain.close();
  }

  static List<Prompt> prompts(int n, long seed) {
    Random r = new Random(seed);
    List<String> words = Fixtures.vocabulary();
    List<Prompt> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder();
      int len = 1 + r.nextInt(8);
      for (int t = 0; t < len; t++) {
        sb.append(words.get(2 + r.nextInt(48))).append(' ');
      }
      out.add(Prompt.of(i % 2 == 0 ? Role.CHALLENGER : Role.REASONER, sb.toString()));
    }
    return out;
  }

  static SamplingParams params(int max, long seed) {
    return new SamplingParams(1.0, 1.0, 0, max, List.of(), seed);
  }

  @Test
  void discoversTheGraphFromItsInputs() {
    OnnxPolicy.ModelInfo info = cached.info();
    assertTrue(info.kvCache());
    assertEquals(2, info.layers());
    assertEquals(1, info.kvHeads());
    assertEquals(8, info.headDim());
    assertEquals(50, info.vocabSize());
    assertTrue(!plain.info().kvCache() && plain.info().layers() == 0);
  }

  @Test
  void logProbsOfGeneratedTokensMatchTheReferenceAtBatch1And8() {
    for (int batch : new int[] {1, 8}) {
      List<Prompt> ps = prompts(batch, batch);
      List<Completion> out = cached.generate(ps, params(6, 9));
      for (int b = 0; b < batch; b++) {
        Completion c = out.get(b);
        int[] full = concat(c.promptTokens(), c.tokens());
        double[][] logits = ref.logits(full);
        for (int t = 0; t < c.tokens().length; t++) {
          double want = logSoftmax(logits[c.promptTokens().length - 1 + t], c.tokens()[t]);
          assertEquals(want, c.logProbs()[t], TOL, "batch " + batch + " row " + b + " token " + t);
        }
      }
    }
  }

  @Test
  void sameSeedSameTokensAndOtherSeedOtherTokens() {
    List<Prompt> ps = prompts(8, 3);
    List<Completion> a = cached.generate(ps, params(10, 42));
    List<Completion> b = cached.generate(ps, params(10, 42));
    List<Completion> c = cached.generate(ps, params(10, 43));
    assertEquals(a, b);
    assertNotEquals(a.stream().map(x -> List.of(x.text())).toList(), c.stream().map(x -> List.of(x.text())).toList());
  }

  @Test
  void cacheAndNoCacheGraphsAgree() {
    List<Prompt> ps = prompts(8, 4);
    List<Completion> a = cached.generate(ps, params(8, 7));
    List<Completion> b = plain.generate(ps, params(8, 7));
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).tokens(), b.get(i).tokens(), "row " + i);
      // same tokens; the texts differ only as the tokenizers do: the Hugging Face one (cached) keeps
      // <pad> and <eos>, the word-level one (plain) drops them
      assertEquals(withoutPadAndEos(a.get(i).text()), b.get(i).text(), "row " + i);
      for (int t = 0; t < a.get(i).tokens().length; t++) {
        assertEquals(a.get(i).logProbs()[t], b.get(i).logProbs()[t], TOL);
      }
    }
  }

  @Test
  void aRowDoesNotDependOnThePaddingOfItsBatch() {
    List<Prompt> ps = prompts(8, 5);
    Completion alone = cached.generate(List.of(ps.get(0)), params(8, 11)).get(0);
    Completion inBatch = cached.generate(ps, params(8, 11)).get(0);
    assertArrayEquals(alone.tokens(), inBatch.tokens());
  }

  @Test
  void scoringMatchesTheReferenceAndGeneration() {
    List<Prompt> ps = prompts(5, 6);
    List<Completion> out = cached.generate(ps, params(5, 1));
    List<int[]> conts = new ArrayList<>(out.stream().map(Completion::tokens).toList());
    conts.set(1, new int[0]);
    for (OnnxPolicy p : List.of(cached, plain)) {
      List<float[]> s = p.scoreContinuations(ps, conts);
      assertEquals(0, s.get(1).length);
      for (int b = 0; b < ps.size(); b++) {
        if (b == 1) {
          continue;
        }
        assertEquals(out.get(b).tokens().length, s.get(b).length);
        for (int t = 0; t < s.get(b).length; t++) {
          assertEquals(out.get(b).logProbs()[t], s.get(b)[t], TOL, "row " + b + " token " + t);
        }
      }
    }
  }

  @Test
  void greedyDecodingFollowsTheReferenceArgmax() {
    List<Prompt> ps = prompts(3, 8);
    SamplingParams greedy = new SamplingParams(1.0, 1.0, 1, 6, List.of(), 0);
    for (Completion c : cached.generate(ps, greedy)) {
      int[] seq = c.promptTokens();
      for (int t = 0; t < c.tokens().length; t++) {
        double[][] logits = ref.logits(seq);
        assertEquals(argmax(logits[logits.length - 1]), c.tokens()[t]);
        seq = concat(seq, new int[] {c.tokens()[t]});
      }
    }
  }

  @Test
  void constrainedDecodingKeepsToTheAllowedTokensAndRenormalises() {
    Prompt p = new Prompt(Role.REASONER, "what is two plus two", List.of("A", "B", "C", "D"));
    List<Completion> out = cached.generate(List.of(p, p, p), params(6, 2));
    List<Integer> allowed = List.of(1, 9, 10, 11, 12);
    for (Completion c : out) {
      for (int t : c.tokens()) {
        assertTrue(allowed.contains(t), "token " + t);
      }
    }
    double mass = 0;
    for (int id : allowed) {
      mass += Math.exp(cached.scoreContinuations(List.of(p), List.of(new int[] {id})).get(0)[0]);
    }
    assertEquals(1.0, mass, 1e-5);
    float outside = cached.scoreContinuations(List.of(p), List.of(new int[] {20})).get(0)[0];
    assertEquals(Float.NEGATIVE_INFINITY, outside);
  }

  @Test
  void endOfSequenceStopsWithoutEnteringTheText() {
    Prompt p = new Prompt(Role.CHALLENGER, "hello", List.of("<eos>"));
    Completion c = cached.generate(List.of(p), params(5, 0)).get(0);
    assertArrayEquals(new int[] {1}, c.tokens());
    assertEquals("", c.text());
    assertEquals(Completion.FinishReason.STOP, c.finishReason());
    assertEquals(0.0, c.logProbs()[0], 1e-6);
  }

  @Test
  void stopStringsEndARowAndLengthEndsTheRest() {
    Prompt p = Prompt.of(Role.CHALLENGER, "hello world");
    SamplingParams noEos = params(8, 5);
    OnnxPolicy.Builder b = OnnxPolicy.builder().model(tmp.resolve("onnx")).eosTokenIds(List.of());
    try (OnnxPolicy policy = b.build()) {
      Completion free = policy.generate(List.of(p), noEos).get(0);
      assertEquals(Completion.FinishReason.LENGTH, free.finishReason());
      assertEquals(8, free.tokens().length);
      String stop = policy.detokenize(java.util.Arrays.copyOf(free.tokens(), 3));
      SamplingParams withStop = new SamplingParams(1.0, 1.0, 0, 8, List.of(stop), 5);
      Completion stopped = policy.generate(List.of(p), withStop).get(0);
      assertEquals(Completion.FinishReason.STOP, stopped.finishReason());
      assertArrayEquals(java.util.Arrays.copyOf(free.tokens(), 3), stopped.tokens());
      assertTrue(stopped.text().endsWith(stop));
    }
  }

  @Test
  void topKAndTopPRestrictTheSample() {
    List<Prompt> ps = prompts(4, 9);
    SamplingParams top2 = new SamplingParams(0.7, 1.0, 2, 4, List.of(), 3);
    for (Completion c : cached.generate(ps, top2)) {
      int[] seq = c.promptTokens();
      for (int t = 0; t < c.tokens().length; t++) {
        double[] l = ref.logits(seq)[seq.length - 1];
        int first = argmax(l);
        double keep = l[first];
        l[first] = Double.NEGATIVE_INFINITY;
        int second = argmax(l);
        l[first] = keep;
        assertTrue(c.tokens()[t] == first || c.tokens()[t] == second, "top-2 token");
        seq = concat(seq, new int[] {c.tokens()[t]});
      }
    }
    SamplingParams tinyP = new SamplingParams(1.0, 1e-9, 0, 4, List.of(), 3);
    SamplingParams greedy = new SamplingParams(1.0, 1.0, 1, 4, List.of(), 99);
    assertEquals(cached.generate(ps, greedy).stream().map(Completion::text).toList(),
        cached.generate(ps, tinyP).stream().map(Completion::text).toList());
  }

  @Test
  void huggingFaceAndWordLevelTokenizersAgree() {
    Tokenizer words = WordTokenizer.of(Fixtures.vocabulary());
    String text = "what is two plus two w17 four";
    assertArrayEquals(words.encode(text), cached.tokenize(text));
    assertEquals(text, cached.detokenize(cached.tokenize(text)));
  }

  static String withoutPadAndEos(String text) {
    return java.util.Arrays.stream(text.split(" ")).filter(w -> !w.equals("<pad>") && !w.equals("<eos>"))
        .collect(java.util.stream.Collectors.joining(" "));
  }

  static int[] concat(int[] a, int[] b) {
    int[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  static double logSoftmax(double[] l, int tok) {
    double max = java.util.Arrays.stream(l).max().orElseThrow();
    double z = 0;
    for (double v : l) {
      z += Math.exp(v - max);
    }
    return l[tok] - max - Math.log(z);
  }

  static int argmax(double[] l) {
    int best = 0;
    for (int i = 1; i < l.length; i++) {
      if (l[i] > l[best]) {
        best = i;
      }
    }
    return best;
  }

  @Test
  void generateFromTokensGivesWhatGenerateGivesForTheEncodedPrompts() {
    List<Prompt> prompts = prompts(6, 21);
    SamplingParams sp = new SamplingParams(0.8, 0.9, 10, 6, List.of("w20"), 17);
    List<Completion> viaText = cached.generate(prompts, sp);
    List<int[]> ids = new ArrayList<>();
    for (Completion c : viaText) {
      ids.add(c.promptTokens());
    }
    assertEquals(viaText, cached.generateFromTokens(ids, null, sp));
    Prompt constrained = new Prompt(Role.REASONER, "what is two plus two", List.of("A", "B", "C", "D"));
    List<Completion> c1 = cached.generate(List.of(constrained, constrained), params(4, 3));
    List<Completion> c2 = cached.generateFromTokens(List.of(c1.get(0).promptTokens(), c1.get(1).promptTokens()),
        new int[] {12, 9, 10, 11}, params(4, 3));
    assertEquals(c1, c2);
    String msg = org.junit.jupiter.api.Assertions.assertThrows(dev.spice.core.SpiceException.InvalidInputException.class,
        () -> cached.generateFromTokens(List.of(new int[] {2}, new int[] {3, 50}), null, params(2, 0))).getMessage();
    assertTrue(msg.contains("prompt 1") && msg.contains("50"), msg);
  }

  @Test
  void scoreFromTokensGivesWhatScoreContinuationsGivesForTheEncodedPrompts() {
    List<Prompt> prompts = prompts(5, 31);
    List<Completion> sampled = cached.generate(prompts, params(5, 8));
    List<int[]> ids = new ArrayList<>();
    List<int[]> conts = new ArrayList<>();
    for (Completion c : sampled) {
      ids.add(c.promptTokens());
      conts.add(c.tokens());
    }
    List<float[]> viaText = cached.scoreContinuations(prompts, conts);
    List<float[]> viaIds = cached.scoreFromTokens(ids, conts);
    for (int i = 0; i < prompts.size(); i++) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(viaText.get(i), viaIds.get(i), "row " + i);
    }
    String msg = org.junit.jupiter.api.Assertions.assertThrows(dev.spice.core.SpiceException.InvalidInputException.class,
        () -> cached.scoreFromTokens(List.of(new int[] {2}, new int[] {3}), List.of(new int[] {1}, new int[] {50})))
        .getMessage();
    assertTrue(msg.contains("continuation 1") && msg.contains("50"), msg);
    org.junit.jupiter.api.Assertions.assertThrows(dev.spice.core.SpiceException.InvalidInputException.class,
        () -> cached.scoreFromTokens(List.of(new int[0]), List.of(new int[] {1})));
  }
}
