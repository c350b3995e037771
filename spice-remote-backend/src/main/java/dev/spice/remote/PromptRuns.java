package dev.spice.remote;

import dev.spice.core.Prompt;
import dev.spice.core.text.PromptTemplate;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link RemotePolicy#generate} splits a batch into completion requests: each run of
 * consecutive rows whose prompts render to the same text (so tokenize to the same ids) under the
 * same allowed tokens becomes one request with {@code n} = the run's length, at most {@code
 * maxPerRequest} rows each (a longer run is split); with collapsing off, every row is a request of
 * its own. With batching on, {@link #batches} then groups consecutive runs of the same length into
 * one request each.
 */
final class PromptRuns {
  private PromptRuns() {}

  /** Rows {@code [first, first + count)}: one request with {@code n = count}. */
  record Run(int first, int count) {}

  /**
   * Rows {@code [first, first + runs.size() * n)}: one batched request of the runs' prompts, each
   * with {@code n} samples (choice {@code p * n + k} is row {@code first + p * n + k}).
   */
  record Batch(int first, int n, List<Run> runs) {
    int rows() {
      return runs.size() * n;
    }
  }

  /**
   * Groups consecutive {@code runs} (from {@link #of}) into batched requests: runs of the same
   * length {@code n} whose prompts have the same allowed tokens ({@code allowed_token_ids} is per
   * request), at most {@code maxPrompts} runs and {@code maxRows} rows per request. A run longer
   * than {@code maxRows} cannot occur ({@link #of} caps runs at the same bound).
   */
  static List<Batch> batches(List<Run> runs, List<Prompt> prompts, int maxPrompts, int maxRows) {
    List<Batch> out = new ArrayList<>();
    List<Run> cur = new ArrayList<>();
    for (Run run : runs) {
      if (!cur.isEmpty()) {
        Run head = cur.get(0);
        boolean fits = run.count() == head.count() && cur.size() < maxPrompts
            && (long) (cur.size() + 1) * run.count() <= maxRows
            && prompts.get(run.first()).allowedTokens().equals(prompts.get(head.first()).allowedTokens());
        if (!fits) {
          out.add(new Batch(head.first(), head.count(), List.copyOf(cur)));
          cur.clear();
        }
      }
      cur.add(run);
    }
    if (!cur.isEmpty()) {
      out.add(new Batch(cur.get(0).first(), cur.get(0).count(), List.copyOf(cur)));
    }
    return out;
  }

  static List<Run> of(List<Prompt> prompts, PromptTemplate template, boolean collapse, int maxPerRequest) {
    List<Run> runs = new ArrayList<>();
    int first = 0;
    String firstText = null;
    for (int i = 1; i <= prompts.size(); i++) {
      boolean extend = false;
      if (collapse && i < prompts.size() && i - first < maxPerRequest) {
        Prompt a = prompts.get(first);
        Prompt b = prompts.get(i);
        if (a.equals(b)) {
          extend = true;
        } else if (a.allowedTokens().equals(b.allowedTokens())) {
          if (firstText == null) {
            firstText = template.render(a);
          }
          extend = firstText.equals(template.render(b));
        }
      }
      if (!extend) {
        runs.add(new Run(first, i - first));
        first = i;
        firstText = null;
      }
    }
    return runs;
  }
}
