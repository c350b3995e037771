package dev.spice.serve;

import dev.spice.core.Completion;
import dev.spice.core.PolicyBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link CompletionRequest} on a policy (on the policy thread) and renders the response:
 * text prompts are tokenized raw ({@link PolicyBackend#tokenize}, no template), every prompt is
 * repeated {@code n} times prompt-major (row {@code p * n + k} is sample {@code k} of prompt
 * {@code p}) and the whole batch goes to one {@link PolicyBackend#generateFromTokens} call with the
 * request's seed, so sample {@code k} draws from the backend's stream of row {@code p * n + k}:
 * the samples of one prompt differ, and the same request with the same seed gives the same
 * response.
 *
 * <p>{@code echo}: each choice starts with its prompt (text, tokens, offsets); with
 * {@code logprobs} the prompt's own log-probs come from one {@link PolicyBackend#scoreFromTokens}
 * call (each prompt's first token as the prompt, the rest as the continuation), entry 0 being
 * {@code null}. With {@code max_tokens} 0 nothing is generated.
 */
final class Completions {
  private Completions() {}

  static Map<String, Object> run(CompletionRequest r, PolicyBackend policy, String model, int maxPromptTokens,
      String id, long created) {
    List<int[]> prompts = new ArrayList<>(r.prompts().size());
    List<String> texts = new ArrayList<>(r.prompts().size());
    long promptTokens = 0;
    for (int p = 0; p < r.prompts().size(); p++) {
      Object o = r.prompts().get(p);
      String where = r.prompts().size() == 1 ? "prompt" : "prompt[" + p + "]";
      int[] ids = o instanceof String s ? policy.tokenize(s) : (int[]) o;
      if (ids.length == 0) {
        throw ApiError.badRequest("prompt", where + " has no tokens; a completion needs at least one prompt token");
      }
      if (ids.length > maxPromptTokens) {
        throw ApiError.badRequest("prompt", where + " has " + ids.length + " tokens, more than this server's limit of "
            + maxPromptTokens + " prompt tokens");
      }
      prompts.add(ids);
      texts.add(r.echo() ? (o instanceof String s ? s : policy.detokenize(ids)) : null);
      promptTokens += ids.length;
    }
    List<float[]> promptLogProbs = r.echo() && r.logprobs() ? scorePrompts(prompts, policy) : null;
    List<int[]> rows = new ArrayList<>(prompts.size() * r.n());
    for (int[] ids : prompts) {
      for (int k = 0; k < r.n(); k++) {
        rows.add(ids);
      }
    }
    List<Completion> out = null;
    if (r.maxTokens() > 0) {
      out = policy.generateFromTokens(rows, r.allowedTokenIds(), r.sampling());
      if (out.size() != rows.size()) {
        throw new IllegalStateException("policy '" + policy.name() + "' returned " + out.size() + " completions for "
            + rows.size() + " prompts");
      }
    }
    List<Object> choices = new ArrayList<>(rows.size());
    long completionTokens = 0;
    for (int i = 0; i < rows.size(); i++) {
      int p = i / r.n();
      Generated g = out == null ? Generated.NONE : generated(out.get(i), r, policy);
      Echo echo = r.echo() ? new Echo(texts.get(p), promptLogProbs == null ? null : promptLogProbs.get(p)) : null;
      choices.add(choice(i, g, echo, rows.get(i), r, policy));
      completionTokens += g.tokens.length;
    }
    Map<String, Object> usage = new LinkedHashMap<>();
    usage.put("prompt_tokens", promptTokens);
    usage.put("completion_tokens", completionTokens);
    usage.put("total_tokens", promptTokens + completionTokens);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put("object", "text_completion");
    body.put("created", created);
    body.put("model", model);
    body.put("choices", choices);
    body.put("usage", usage);
    return body;
  }

  /** The echoed prompt of a choice: its text, and its log-probs of tokens 1.. (null without logprobs). */
  private record Echo(String text, float[] logProbs) {}

  /** A generated completion after the {@code stop_token_ids} cut. */
  private record Generated(String text, int[] tokens, float[] logProbs, String finish) {
    static final Generated NONE = new Generated("", new int[0], new float[0], "length");
  }

  /** Log-probs of each prompt's tokens 1.. given the tokens before them, in one scoring call. */
  private static List<float[]> scorePrompts(List<int[]> prompts, PolicyBackend policy) {
    List<int[]> heads = new ArrayList<>(prompts.size());
    List<int[]> rests = new ArrayList<>(prompts.size());
    for (int[] ids : prompts) {
      heads.add(Arrays.copyOf(ids, 1));
      rests.add(Arrays.copyOfRange(ids, 1, ids.length));
    }
    List<float[]> scored = policy.scoreFromTokens(heads, rests);
    if (scored.size() != prompts.size()) {
      throw new IllegalStateException("policy '" + policy.name() + "' scored " + scored.size() + " prompts of "
          + prompts.size());
    }
    for (int p = 0; p < prompts.size(); p++) {
      if (scored.get(p).length != rests.get(p).length) {
        throw new IllegalStateException("policy '" + policy.name() + "' returned " + scored.get(p).length
            + " log-probs for the " + rests.get(p).length + " scored tokens of prompt " + p);
      }
    }
    return scored;
  }

  /**
   * A {@code stop_token_ids} hit cuts the completion after the stop token (kept in the ids and
   * log-probs, left out of the text, finish reason {@code stop}).
   */
  private static Generated generated(Completion c, CompletionRequest r, PolicyBackend policy) {
    int[] toks = c.tokens();
    float[] lps = c.logProbs();
    String text = c.text();
    String finish = c.finishReason() == Completion.FinishReason.STOP ? "stop" : "length";
    int cut = firstStop(toks, r.stopTokenIds());
    if (cut >= 0) {
      text = policy.detokenize(Arrays.copyOf(toks, cut));
      toks = Arrays.copyOf(toks, cut + 1);
      lps = Arrays.copyOf(lps, cut + 1);
      finish = "stop";
    }
    return new Generated(text, toks, lps, finish);
  }

  /**
   * One choice; {@code text_offset[j]} is the length of the text of the first {@code j} tokens
   * (with {@code echo}, the prompt's tokens first, then the completion's after the prompt's text).
   */
  private static Map<String, Object> choice(int index, Generated g, Echo echo, int[] prompt, CompletionRequest r,
      PolicyBackend policy) {
    Map<String, Object> ch = new LinkedHashMap<>();
    ch.put("index", index);
    ch.put("text", echo == null ? g.text() : echo.text() + g.text());
    ch.put("finish_reason", g.finish());
    if (r.logprobs()) {
      List<String> strings = new ArrayList<>();
      List<Object> lpList = new ArrayList<>();
      List<Object> offsets = new ArrayList<>();
      int base = 0;
      if (echo != null) {
        int[] off = TextOffsets.of(prompt, policy::detokenize);
        for (int j = 0; j < prompt.length; j++) {
          strings.add(policy.detokenize(new int[] {prompt[j]}));
          lpList.add(j == 0 ? null : (Object) (double) echo.logProbs()[j - 1]);
          offsets.add(off[j]);
        }
        base = echo.text().length();
      }
      int[] toks = g.tokens();
      int[] off = TextOffsets.of(toks, policy::detokenize);
      for (int j = 0; j < toks.length; j++) {
        strings.add(policy.detokenize(new int[] {toks[j]}));
        lpList.add((double) g.logProbs()[j]);
        offsets.add(base + off[j]);
      }
      Map<String, Object> lp = new LinkedHashMap<>();
      lp.put("tokens", strings);
      lp.put("token_logprobs", lpList);
      lp.put("top_logprobs", null);
      lp.put("text_offset", offsets);
      ch.put("logprobs", lp);
    } else {
      ch.put("logprobs", null);
    }
    if (r.returnTokenIds()) {
      ch.put("token_ids", boxed(g.tokens()));
      ch.put("prompt_token_ids", boxed(prompt));
    }
    return ch;
  }

  private static int firstStop(int[] toks, int[] stopIds) {
    for (int j = 0; j < toks.length; j++) {
      for (int s : stopIds) {
        if (toks[j] == s) {
          return j;
        }
      }
    }
    return -1;
  }

  static List<Object> boxed(int[] a) {
    List<Object> out = new ArrayList<>(a.length);
    for (int x : a) {
      out.add(x);
    }
    return out;
  }
}
