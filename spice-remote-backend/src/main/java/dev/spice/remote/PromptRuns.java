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
 * its own.
 */
final class PromptRuns {
  private PromptRuns() {}

  /** Rows {@code [first, first + count)}: one request with {@code n = count}. */
  record Run(int first, int count) {}

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
