package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.sampling.Seeds;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.WordTokenizer;
import dev.spice.djl.DjlPolicy;
import dev.spice.remote.RemotePolicy;
import dev.spice.serve.PolicyServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The first client and server end to end: a {@link RemotePolicy} talking to a {@link PolicyServer}
 * over a tiny DJL policy on loopback scores and samples what the DJL policy does in-process.
 *
 * <p>Seeds: the client sends each run of identical prompts, rows {@code [r, r + n)} of a batch
 * sampled with seed {@code s}, as one request with that {@code n} and {@code seed = Seeds.mix(s, r)
 * >>> 11} (a prompt unlike its neighbours is a run of one); the server runs that request as one
 * {@code generateFromTokens} call of {@code n} copies of the prompt with that seed. So the client's
 * completions of the run equal {@code generateFromTokens(nCopies(n, ids_r), null,
 * params.withSeed(Seeds.mix(s, r) >>> 11))} in-process, not rows {@code [r, r + n)} of {@code
 * generate(prompts, params)} (which draws row {@code i} from {@code (s, i)}): same distribution,
 * other stream. In batched mode ({@code batchPrompts(true)}) the request for rows {@code [r, ...)}
 * carries {@code TokenSampler.seedForRowOffset(s, r)} instead, and then the completions are those
 * of {@code generate(prompts, params)} (see {@link #batchedRequestsReproduceTheInProcessGenerateExactly}).
 */
class RemoteOverServeTest {
  private static final WordTokenizer TOK = WordTokenizer.withSpecialTokens(List.of("what", "is", "the", "capital",
      "of", "answer:", "paris", "42", "africa", "france", "rome", "italy"));

  private static DjlPolicy tiny() {
    return DjlPolicy.builder().randomInit(TransformerConfig.tiny(TOK.vocabSize(), 16, 2, 2, 2), 9).tokenizer(TOK)
        .template(PromptTemplate.PLAIN).build();
  }

  private static List<Prompt> prompts() {
    return List.of(Prompt.of(Role.REASONER, "what is the capital of france"),
        Prompt.of(Role.CHALLENGER, "paris"), Prompt.of(Role.REASONER, "what is the capital of italy answer:"));
  }

  @Test
  void remoteScoringAndSamplingEqualTheDjlPolicyInProcess() {
    try (DjlPolicy served = tiny(); DjlPolicy local = tiny();
        PolicyServer server = PolicyServer.builder().policy(served).modelName("tiny").build().start();
        RemotePolicy remote = RemotePolicy.builder().baseUrl(server.uri()).model("tiny")
            .template(PromptTemplate.PLAIN).build()) {
      List<Prompt> prompts = prompts();
      List<int[]> conts = List.of(local.tokenize("paris paris"), local.tokenize("42"),
          local.tokenize("rome is the capital of italy"));
      List<float[]> want = local.scoreContinuations(prompts, conts);
      List<float[]> got = remote.scoreContinuations(prompts, conts);
      for (int i = 0; i < prompts.size(); i++) {
        assertEquals(want.get(i).length, got.get(i).length, "row " + i);
        for (int j = 0; j < want.get(i).length; j++) {
          assertEquals(want.get(i)[j], got.get(i)[j], 1e-6, "row " + i + " token " + j);
        }
      }

      SamplingParams sp = new SamplingParams(1.0, 0.95, 0, 6, List.of(), 1234);
      List<Completion> remoteOut = remote.generate(prompts, sp);
      List<Completion> inProcess = local.generate(prompts, sp);
      boolean anyDiffers = false;
      for (int i = 0; i < prompts.size(); i++) {
        int[] ids = inProcess.get(i).promptTokens();
        Completion direct = local.generateFromTokens(List.of(ids), null, sp.withSeed(Seeds.mix(1234, i) >>> 11))
            .get(0);
        assertEquals(direct, remoteOut.get(i), "row " + i);
        anyDiffers |= !direct.equals(inProcess.get(i));
      }
      assertTrue(anyDiffers || prompts.size() < 2, "the client's per-row seeds are not generate's row streams");
    }
  }

  @Test
  void runsOfIdenticalPromptsAreOneServerCallEachWithTheRunsSeed() {
    Prompt france = Prompt.of(Role.REASONER, "what is the capital of france");
    Prompt paris = Prompt.of(Role.CHALLENGER, "paris");
    List<Prompt> prompts = List.of(france, france, france, paris, france, france);
    int[][] runs = {{0, 3}, {3, 1}, {4, 2}};
    SamplingParams sp = new SamplingParams(1.0, 0.95, 0, 6, List.of(), 4321);
    try (DjlPolicy served = tiny(); DjlPolicy local = tiny();
        PolicyServer server = PolicyServer.builder().policy(served).modelName("tiny").build().start();
        RemotePolicy remote = RemotePolicy.builder().baseUrl(server.uri()).model("tiny")
            .template(PromptTemplate.PLAIN).build();
        RemotePolicy perRow = RemotePolicy.builder().baseUrl(server.uri()).model("tiny")
            .template(PromptTemplate.PLAIN).collapseIdenticalPrompts(false).build()) {
      List<Completion> remoteOut = remote.generate(prompts, sp);
      assertEquals(prompts.size(), remoteOut.size());
      long requestsBefore = remote.stats().requests();
      remote.generate(prompts, sp);
      // three /v1/completions requests, one per run, plus one /tokenize per run
      assertEquals(requestsBefore + 2 * runs.length, remote.stats().requests());
      for (int[] run : runs) {
        int first = run[0];
        int[] ids = remoteOut.get(first).promptTokens();
        List<Completion> direct = local.generateFromTokens(Collections.nCopies(run[1], ids), null,
            sp.withSeed(Seeds.mix(4321, first) >>> 11));
        for (int k = 0; k < run[1]; k++) {
          assertEquals(direct.get(k), remoteOut.get(first + k), "row " + (first + k));
        }
      }
      assertNotEquals(remoteOut.get(0), remoteOut.get(1), "the samples of one request differ");
      List<Completion> perRowOut = perRow.generate(prompts, sp);
      for (int i = 0; i < prompts.size(); i++) {
        int[] ids = perRowOut.get(i).promptTokens();
        Completion direct = local.generateFromTokens(List.of(ids), null, sp.withSeed(Seeds.mix(4321, i) >>> 11))
            .get(0);
        assertEquals(direct, perRowOut.get(i), "collapsing off: row " + i + " is its own request");
      }
    }
  }

  /**
   * Batched mode: a request for rows {@code [r, ...)} carries {@code
   * TokenSampler.seedForRowOffset(s, r)} and the server runs its rows prompt-major in one call, so
   * every row draws from its in-process stream: when the whole batch is one request, the client's
   * completions equal the in-process {@code generate} of the same prompts and seed bit for bit; split
   * into several requests, the tokens are the same and the log-probs agree to float rounding (a
   * smaller batch runs other kernel shapes).
   */
  @Test
  void batchedRequestsReproduceTheInProcessGenerateExactly() {
    Prompt france = Prompt.of(Role.REASONER, "what is the capital of france");
    Prompt paris = Prompt.of(Role.CHALLENGER, "paris");
    Prompt italy = Prompt.of(Role.REASONER, "what is the capital of italy answer:");
    Prompt rome = Prompt.of(Role.REASONER, "rome");
    List<List<Prompt>> batches = List.of(List.of(france, paris, italy, rome),
        List.of(france, france, france, paris, paris, paris, italy, italy, italy),
        List.of(france, france, paris, italy, italy, italy, rome));
    int[] runs = {4, 3, 4};
    int[] oneClientRequests = {1, 1, 4}; // the last batch's runs have three lengths: 2, 1, 3, 1
    SamplingParams sp = new SamplingParams(1.0, 0.95, 0, 6, List.of(), 0x9E3779B97F4A7C15L);
    try (DjlPolicy served = tiny(); DjlPolicy local = tiny();
        PolicyServer server = PolicyServer.builder().policy(served).modelName("tiny").build().start();
        RemotePolicy whole = RemotePolicy.builder().baseUrl(server.uri()).model("tiny")
            .template(PromptTemplate.PLAIN).batchPrompts(true).build();
        RemotePolicy split = RemotePolicy.builder().baseUrl(server.uri()).model("tiny")
            .template(PromptTemplate.PLAIN).batchPrompts(true).maxPromptsPerRequest(1).maxConcurrentRequests(2)
            .build()) {
      for (int b = 0; b < batches.size(); b++) {
        List<Prompt> prompts = batches.get(b);
        for (long seed : new long[] {sp.seed(), 5}) {
          List<Completion> inProcess = local.generate(prompts, sp.withSeed(seed));
          long before = whole.stats().requests();
          List<Completion> got = whole.generate(prompts, sp.withSeed(seed));
          assertEquals(before + runs[b] + oneClientRequests[b], whole.stats().requests(),
              "batch " + b + ": one /tokenize per run and " + oneClientRequests[b] + " completion request(s)");
          if (oneClientRequests[b] == 1) {
            assertEquals(inProcess, got, "batch " + b + ", one request: bit for bit");
          } else {
            assertSameDraws(inProcess, got, "batch " + b + ", a request per run length");
          }
          assertSameDraws(inProcess, split.generate(prompts, sp.withSeed(seed)), "batch " + b + ", a request per run");
        }
      }
    }
  }

  /** The same tokens, text and finish; log-probs of another batch layout may differ in the last float bits. */
  private static void assertSameDraws(List<Completion> want, List<Completion> got, String where) {
    assertEquals(want.size(), got.size(), where);
    for (int i = 0; i < want.size(); i++) {
      String row = where + ", row " + i;
      assertEquals(want.get(i).text(), got.get(i).text(), row);
      assertArrayEquals(want.get(i).tokens(), got.get(i).tokens(), row);
      assertArrayEquals(want.get(i).promptTokens(), got.get(i).promptTokens(), row);
      assertArrayEquals(want.get(i).logProbs(), got.get(i).logProbs(), 1e-5f, row);
      assertEquals(want.get(i).finishReason(), got.get(i).finishReason(), row);
    }
  }

  @Test
  void scoringAPromptOfOneTokenAndEmptyContinuations() {
    try (DjlPolicy served = tiny(); DjlPolicy local = tiny();
        PolicyServer server = PolicyServer.builder().policy(served).modelName("tiny").build().start();
        RemotePolicy remote = RemotePolicy.builder().baseUrl(server.uri()).model("tiny")
            .template(PromptTemplate.PLAIN).build()) {
      List<Prompt> prompts = List.of(Prompt.of(Role.REASONER, "paris"), Prompt.of(Role.REASONER, "what is"));
      List<int[]> conts = new ArrayList<>(List.of(local.tokenize("42"), new int[0]));
      List<float[]> want = local.scoreContinuations(prompts, conts);
      List<float[]> got = remote.scoreContinuations(prompts, conts);
      assertEquals(0, got.get(1).length);
      assertEquals(want.get(0)[0], got.get(0)[0], 1e-6);
    }
  }
}
