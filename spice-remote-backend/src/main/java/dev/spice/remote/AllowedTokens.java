package dev.spice.remote;

import dev.spice.core.SpiceException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code allowed_token_ids} of constrained prompts: each allowed token must be exactly one
 * token of the served vocabulary, and the stop tokens stay allowed; and the check that a reply
 * kept to them. Caches the ids per list of allowed tokens. Thread-safe.
 */
final class AllowedTokens {
  private final Tokenization tokenization;
  private final int[] stopTokenIds;
  private final Map<List<String>, int[]> cache = new ConcurrentHashMap<>();

  AllowedTokens(Tokenization tokenization, int[] stopTokenIds) {
    this.tokenization = tokenization;
    this.stopTokenIds = stopTokenIds.clone();
  }

  /** The sorted distinct ids of {@code allowedTokens} plus the stop tokens, for prompt {@code row}. */
  int[] ids(int row, List<String> allowedTokens) {
    int[] cached = cache.get(allowedTokens);
    if (cached != null) {
      return cached;
    }
    TreeSet<Integer> set = new TreeSet<>();
    for (String s : allowedTokens) {
      int[] ids = tokenization.encode(s, false);
      if (ids.length != 1) {
        throw new SpiceException.BackendException("prompt " + row + ": allowed token '" + s
            + "' is not exactly one token of the served model's vocabulary (it tokenizes to "
            + Arrays.toString(ids) + ")");
      }
      set.add(ids[0]);
    }
    for (int s : stopTokenIds) {
      set.add(s);
    }
    int[] a = set.stream().mapToInt(Integer::intValue).toArray();
    if (cache.size() > 4096) {
      cache.clear();
    }
    cache.put(allowedTokens, a);
    return a;
  }

  /** Fails when a generated token of row {@code row} is not among {@code allowed} (sorted). */
  static void check(int row, int[] tokens, int[] allowed, String url) {
    for (int t = 0; t < tokens.length; t++) {
      if (Arrays.binarySearch(allowed, tokens[t]) < 0) {
        throw new RemoteServerException(url + ": row " + row + ": generated token " + t + " (id " + tokens[t]
            + ") is not among the allowed token ids " + Arrays.toString(allowed)
            + "; the server ignored allowed_token_ids", url, 200, null);
      }
    }
  }
}
