package dev.spice.remote;

import dev.spice.core.Completion;
import dev.spice.core.SpiceException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads {@code POST /v1/completions} replies into completions and log-probs, checking every field
 * a rollout depends on: exactly {@code n} choices in index order (a batched request's: each index
 * once, in any order), a known finish reason, log-probs present and as long as
 * the token ids, token ids inside the vocabulary, the prompt echoed back unchanged.
 */
final class ReplyParser {
  /** Largest log-prob accepted as "0" (servers round in float32). */
  static final double MAX_LOG_PROB = 1e-4;

  /** How the token ids of a choice were found. */
  enum TokenSource { TOKEN_IDS, LOGPROB_TOKENS, RETOKENIZED }

  /** A parsed completion and where its token ids came from. */
  record Parsed(Completion completion, TokenSource source) {}

  private final int vocabularySize;

  /** @param vocabularySize the vocabulary size to check ids against, or 0 when unknown */
  ReplyParser(int vocabularySize) {
    this.vocabularySize = vocabularySize;
  }

  /**
   * The {@code n} generated completions of one request for rows {@code [firstRow, firstRow + n)}:
   * exactly {@code n} choices, choice {@code k} carrying {@code index} {@code k} (the index may be
   * left out only when {@code n} is 1), so that no choice is ever given to the wrong row.
   *
   * @param retokenize the token ids of a text, used only when the reply carries no token ids
   */
  List<Parsed> completions(HttpTransport.Reply r, int firstRow, int n, int[] promptIds, int maxNewTokens,
      Function<String, int[]> retokenize) {
    JsonReader j = new JsonReader(r.url(), r.status());
    List<Object> choices = choices(j, r.body(), firstRow, n);
    List<Parsed> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      Map<String, Object> c = j.object(choices.get(k), "choices[" + k + "]");
      Object index = c.get("index");
      if (index == null && n > 1) {
        throw j.error("row " + (firstRow + k) + ": 'choices[" + k + "].index' is missing; with n=" + n
            + " every choice must carry its index to be matched to its row");
      }
      if (index != null && j.integer(index, "choices[" + k + "].index") != k) {
        throw j.error("row " + (firstRow + k) + ": 'choices[" + k + "].index' is " + index + ", expected " + k
            + " (the choices of an n=" + n + " request must come in index order 0.." + (n - 1)
            + ", each once)");
      }
      out.add(completion(j, c, k, firstRow + k, promptIds, maxNewTokens, retokenize));
    }
    return out;
  }

  /**
   * The completions of one batched request of {@code prompts.size()} prompts with {@code n}
   * samples each, for rows {@code [firstRow, firstRow + prompts.size() * n)}: exactly that many
   * choices, each carrying an {@code index} in that range once (it may be left out only when the
   * request has one choice). The index is authoritative, not the list position: the choice with
   * index {@code i = p * n + k} (prompt {@code p}'s sample {@code k}, prompt-major) is row {@code
   * firstRow + i}, and its echoed {@code prompt_token_ids}, when present, must be prompt {@code
   * p}'s. A missing, duplicated or out-of-range index fails naming the request and the index.
   *
   * @return the completions in row order
   */
  List<Parsed> batch(HttpTransport.Reply r, int firstRow, List<int[]> prompts, int n, int maxNewTokens,
      Function<String, int[]> retokenize) {
    JsonReader j = new JsonReader(r.url(), r.status());
    int total = prompts.size() * n;
    String request = "the batched request for rows " + firstRow + ".." + (firstRow + total - 1) + " ("
        + prompts.size() + (prompts.size() == 1 ? " prompt" : " prompts") + " x n=" + n + ")";
    Map<String, Object> o = j.parseObject(r.body());
    if (!o.containsKey("choices") && (o.containsKey("error") || "error".equals(o.get("object")))) {
      throw j.error(request + ": the reply is an error: " + ErrorBodies.message(r.body()));
    }
    List<Object> choices = j.list(j.required(o, "choices", ""), "choices");
    if (choices.size() != total) {
      throw j.error(request + ": expected exactly " + total + (total == 1 ? " choice" : " choices") + " ("
          + prompts.size() + " x n=" + n + "), got " + choices.size());
    }
    int[] position = new int[total];
    Arrays.fill(position, -1);
    String duplicate = null;
    for (int k = 0; k < total; k++) {
      Map<String, Object> c = j.object(choices.get(k), "choices[" + k + "]");
      Object index = c.get("index");
      if (index == null && total > 1) {
        throw j.error(request + ": 'choices[" + k + "].index' is missing; every choice of a batched request must"
            + " carry its index (prompt index * n + sample index) to be matched to its row");
      }
      long i = index == null ? 0 : j.integer(index, "choices[" + k + "].index");
      if (i < 0 || i >= total) {
        throw j.error(request + ": 'choices[" + k + "].index' is " + i + ", outside [0, " + total + ")");
      }
      if (position[(int) i] >= 0) {
        if (duplicate == null) {
          duplicate = "'choices[" + k + "].index' is " + i + ", as is 'choices[" + position[(int) i] + "].index'";
        }
      } else {
        position[(int) i] = k;
      }
    }
    if (duplicate != null) {
      List<Integer> missing = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        if (position[i] < 0) {
          missing.add(i);
        }
      }
      throw j.error(request + ": " + duplicate + "; index " + (missing.size() == 1 ? missing.get(0) : missing)
          + " is missing (every index 0.." + (total - 1) + " must come exactly once)");
    }
    List<Parsed> out = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      Map<String, Object> c = j.object(choices.get(position[i]), "choices[" + position[i] + "]");
      out.add(completion(j, c, position[i], firstRow + i, prompts.get(i / n), maxNewTokens, retokenize));
    }
    return out;
  }

  private Parsed completion(JsonReader j, Map<String, Object> choice, int k, int row, int[] promptIds,
      int maxNewTokens, Function<String, int[]> retokenize) {
    String p = "choices[" + k + "].";
    String text = j.string(j.required(choice, "text", p), p + "text");
    Completion.FinishReason finish = finishReason(j, choice.get("finish_reason"), p, row);
    checkPrompt(j, choice, promptIds, p, row);
    Object lpObj = choice.get("logprobs");
    if (lpObj == null) {
      throw j.error("row " + row + ": the reply carries no log-probs ('" + p + "logprobs' is "
          + (choice.containsKey("logprobs") ? "null" : "missing") + "); the request asked for logprobs=0");
    }
    Map<String, Object> lp = j.object(lpObj, p + "logprobs");
    float[] logProbs = logProbs(j, lp, p + "logprobs.", 0, row);
    TokenSource source;
    int[] tokens;
    if (choice.get("token_ids") != null) {
      tokens = j.tokenIds(choice.get("token_ids"), p + "token_ids");
      source = TokenSource.TOKEN_IDS;
    } else {
      tokens = idsFromLogProbTokens(j, lp.get("tokens"), p);
      if (tokens != null) {
        source = TokenSource.LOGPROB_TOKENS;
      } else {
        tokens = retokenize.apply(text);
        source = TokenSource.RETOKENIZED;
      }
    }
    if (tokens.length != logProbs.length) {
      throw j.error("row " + row + ": " + tokens.length + " token ids (from " + sourceName(source, p) + ") but "
          + logProbs.length + " log-probs in '" + p + "logprobs.token_logprobs'; they must be the same length");
    }
    if (tokens.length > maxNewTokens) {
      throw j.error("row " + row + ": " + tokens.length + " tokens generated but max_tokens was " + maxNewTokens);
    }
    checkVocabulary(j, tokens, "row " + row + ": generated token");
    return new Parsed(new Completion(text, promptIds, tokens, logProbs, finish), source);
  }

  /**
   * The log-probs of {@code continuation} from an echoed scoring reply: entries
   * {@code [promptIds.length, promptIds.length + continuation.length)} of the prompt log-probs.
   */
  float[] scores(HttpTransport.Reply r, int row, int[] promptIds, int[] continuation) {
    JsonReader j = new JsonReader(r.url(), r.status());
    Map<String, Object> choice = onlyChoice(j, r.body(), row);
    String p = "choices[0].";
    int[] all = Arrays.copyOf(promptIds, promptIds.length + continuation.length);
    System.arraycopy(continuation, 0, all, promptIds.length, continuation.length);
    checkPrompt(j, choice, all, "choices[0].", row);
    Object lpObj = choice.get("logprobs");
    if (lpObj == null) {
      throw j.error("row " + row + ": the echoed reply carries no prompt log-probs ('" + p
          + "logprobs' is null or missing); the server must support echo=true with logprobs=0 (vLLM does)");
    }
    Map<String, Object> lp = j.object(lpObj, p + "logprobs");
    List<Object> values = j.list(j.required(lp, "token_logprobs", p + "logprobs."), p + "logprobs.token_logprobs");
    if (values.size() < all.length) {
      throw j.error("row " + row + ": the echo carries " + values.size() + " log-probs for a prompt of "
          + all.length + " tokens (" + promptIds.length + " prompt + " + continuation.length
          + " continuation); echo=true must return one per prompt token");
    }
    return logProbs(j, lp, p + "logprobs.", promptIds.length, row, continuation.length);
  }

  private float[] logProbs(JsonReader j, Map<String, Object> lp, String p, int from, int row) {
    List<Object> values = j.list(j.required(lp, "token_logprobs", p), p + "token_logprobs");
    return logProbs(j, lp, p, from, row, values.size() - from);
  }

  private float[] logProbs(JsonReader j, Map<String, Object> lp, String p, int from, int row, int count) {
    List<Object> values = j.list(j.required(lp, "token_logprobs", p), p + "token_logprobs");
    float[] out = new float[count];
    for (int t = 0; t < count; t++) {
      String where = p + "token_logprobs[" + (from + t) + "]";
      Object v = values.get(from + t);
      if (v == null) {
        throw j.error("row " + row + ": '" + where + "' is null; a log-prob is needed for every token");
      }
      double d = j.number(v, where);
      if (!Double.isFinite(d) || d > MAX_LOG_PROB) {
        throw j.error("row " + row + ": '" + where + "' is " + d + "; a log-prob must be finite and <= 0");
      }
      out[t] = d >= 0 ? 0f : (float) d;
    }
    return out;
  }

  /** The {@code choices} of a generation reply, checked to be exactly {@code n}. */
  private static List<Object> choices(JsonReader j, String body, int firstRow, int n) {
    Map<String, Object> o = j.parseObject(body);
    String rows = n == 1 ? "row " + firstRow : "rows " + firstRow + ".." + (firstRow + n - 1);
    if (!o.containsKey("choices") && (o.containsKey("error") || "error".equals(o.get("object")))) {
      throw j.error(rows + ": the reply is an error: " + ErrorBodies.message(body));
    }
    List<Object> choices = j.list(j.required(o, "choices", ""), "choices");
    if (choices.size() != n) {
      throw j.error(rows + ": expected exactly " + n + (n == 1 ? " choice" : " choices") + " (n=" + n + "), got "
          + choices.size() + (n == 1 ? "" : "; the server must answer n samples of the one prompt sent"));
    }
    return choices;
  }

  private static Map<String, Object> onlyChoice(JsonReader j, String body, int row) {
    Map<String, Object> o = j.parseObject(body);
    if (!o.containsKey("choices") && (o.containsKey("error") || "error".equals(o.get("object")))) {
      throw j.error("row " + row + ": the reply is an error: " + ErrorBodies.message(body));
    }
    List<Object> choices = j.list(j.required(o, "choices", ""), "choices");
    if (choices.size() != 1) {
      throw j.error("row " + row + ": expected exactly 1 choice (n=1), got " + choices.size());
    }
    Map<String, Object> c = j.object(choices.get(0), "choices[0]");
    if (c.get("index") != null && j.integer(c.get("index"), "choices[0].index") != 0) {
      throw j.error("row " + row + ": 'choices[0].index' is " + c.get("index") + ", expected 0");
    }
    return c;
  }

  private static Completion.FinishReason finishReason(JsonReader j, Object v, String p, int row) {
    if (v == null) {
      throw j.error("row " + row + ": '" + p + "finish_reason' is null or missing; expected \"stop\" or \"length\"");
    }
    String s = j.string(v, p + "finish_reason");
    return switch (s) {
      case "stop" -> Completion.FinishReason.STOP;
      case "length" -> Completion.FinishReason.LENGTH;
      default -> throw j.error("row " + row + ": '" + p + "finish_reason' is \"" + s
          + "\"; only \"stop\" and \"length\" are complete rollouts");
    };
  }

  private static void checkPrompt(JsonReader j, Map<String, Object> choice, int[] sent, String p, int row) {
    Object echoed = choice.get("prompt_token_ids");
    if (echoed == null) {
      return;
    }
    int[] got = j.tokenIds(echoed, p + "prompt_token_ids");
    if (!Arrays.equals(got, sent)) {
      throw j.error("row " + row + ": '" + p + "prompt_token_ids' (" + got.length
          + " ids) differs from the " + sent.length + " prompt token ids sent");
    }
  }

  /** Ids from {@code logprobs.tokens} when every entry is {@code token_id:N} (vLLM's --return-tokens-as-token-ids), else null. */
  private static int[] idsFromLogProbTokens(JsonReader j, Object tokens, String p) {
    if (!(tokens instanceof List<?> l)) {
      return null;
    }
    int[] out = new int[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof String s) || !s.startsWith("token_id:")) {
        return null;
      }
      try {
        out[i] = Integer.parseInt(s.substring("token_id:".length()));
      } catch (NumberFormatException e) {
        throw j.error("'" + p + "logprobs.tokens[" + i + "]' is \"" + s + "\", not token_id:<int>");
      }
      if (out[i] < 0) {
        throw j.error("'" + p + "logprobs.tokens[" + i + "]' is \"" + s + "\", not a valid token id");
      }
    }
    return out;
  }

  /** Refuses a caller's negative id, or one at or past the vocabulary size when it is known. */
  void checkInputIds(int[] ids, String what) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || (vocabularySize > 0 && ids[i] >= vocabularySize)) {
        throw new SpiceException.InvalidInputException(what + ": token " + i + " has id " + ids[i]
            + (vocabularySize > 0 ? ", outside the vocabulary [0, " + vocabularySize + ")"
                : "; token ids are never negative"));
      }
    }
  }

  void checkVocabulary(JsonReader j, int[] ids, String what) {
    if (vocabularySize <= 0) {
      return;
    }
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] >= vocabularySize) {
        throw j.error(what + " " + i + " has id " + ids[i] + ", outside the vocabulary [0, " + vocabularySize + ")");
      }
    }
  }

  private static String sourceName(TokenSource s, String p) {
    return switch (s) {
      case TOKEN_IDS -> "'" + p + "token_ids'";
      case LOGPROB_TOKENS -> "'logprobs.tokens'";
      case RETOKENIZED -> "tokenizing the text, as the reply has no 'token_ids'";
    };
  }
}
