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
 */
final class Completions {
  private Completions() {}

  static Map<String, Object> run(CompletionRequest r, PolicyBackend policy, String model, int maxPromptTokens,
      String id, long created) {
    List<int[]> prompts = new ArrayList<>(r.prompts().size());
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
      promptTokens += ids.length;
    }
    List<int[]> rows = new ArrayList<>(prompts.size() * r.n());
    for (int[] ids : prompts) {
      for (int k = 0; k < r.n(); k++) {
        rows.add(ids);
      }
    }
    List<Completion> out = policy.generateFromTokens(rows, r.allowedTokenIds(), r.sampling());
    if (out.size() != rows.size()) {
      throw new IllegalStateException("policy '" + policy.name() + "' returned " + out.size() + " completions for "
          + rows.size() + " prompts");
    }
    List<Object> choices = new ArrayList<>(rows.size());
    long completionTokens = 0;
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> choice = choice(i, out.get(i), rows.get(i), r, policy);
      completionTokens += ((List<?>) choice.remove("_tokens")).size();
      choices.add(choice);
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

  /**
   * One choice; {@code text_offset[j]} is the length of the text of the first {@code j} tokens. A {@code stop_token_ids} hit cuts the completion after the stop token (kept in the
   * ids and log-probs, left out of the text, finish reason {@code stop}).
   */
  private static Map<String, Object> choice(int index, Completion c, int[] prompt, CompletionRequest r,
      PolicyBackend policy) {
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
    Map<String, Object> ch = new LinkedHashMap<>();
    ch.put("index", index);
    ch.put("text", text);
    ch.put("finish_reason", finish);
    if (r.logprobs()) {
      List<String> strings = new ArrayList<>(toks.length);
      List<Object> lpList = new ArrayList<>(toks.length);
      List<Object> offsets = new ArrayList<>(toks.length);
      for (int j = 0; j < toks.length; j++) {
        strings.add(policy.detokenize(new int[] {toks[j]}));
        lpList.add((double) lps[j]);
        offsets.add(j == 0 ? 0 : policy.detokenize(Arrays.copyOf(toks, j)).length());
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
    List<Object> ids = boxed(toks);
    if (r.returnTokenIds()) {
      ch.put("token_ids", ids);
      ch.put("prompt_token_ids", boxed(prompt));
    }
    ch.put("_tokens", ids);
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
