package dev.spice.corpus;

import dev.spice.core.CorpusCursor;
import dev.spice.core.CorpusSource;
import dev.spice.core.Document;
import dev.spice.core.SpiceException.CorpusException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Draw k picks child i with probability w_i / sum(w), from a counter-based random number of
 * (seed, k), then takes that child's next document. Cursor state:
 * {@code draws=K;seed=S;w=<weights>|<child 0 name>|<child 0 state>|<child 1 name>|...}, where
 * '%' and '|' inside names and states are escaped as {@code %25} and {@code %7C}.
 * Thread-safe: public methods are synchronized.
 */
final class MixtureCorpus implements Corpus {
  private final String name;
  private final List<CorpusSource> children;
  private final double[] cumulative;
  private final String weightsText;
  private final long seed;
  private long draws;

  MixtureCorpus(String name, List<CorpusSource> children, double[] weights, long seed) {
    this.name = name;
    this.children = List.copyOf(children);
    this.seed = seed;
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    cumulative = new double[weights.length];
    double acc = 0;
    StringBuilder wt = new StringBuilder();
    for (int i = 0; i < weights.length; i++) {
      acc += weights[i] / total;
      cumulative[i] = acc;
      wt.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6g", weights[i]));
    }
    cumulative[weights.length - 1] = 1.0;
    weightsText = wt.toString();
  }

  @Override
  public String name() {
    return name;
  }

  int pick(long k) {
    double u = Shuffle.unit(seed, 0x6d6978L, k);
    for (int i = 0; i < cumulative.length; i++) {
      if (u < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

  @Override
  public synchronized Document next() {
    Document d = children.get(pick(draws)).next();
    draws++;
    return d;
  }

  @Override
  public synchronized CorpusCursor cursor() {
    StringBuilder sb = new StringBuilder();
    sb.append("draws=").append(draws).append(";seed=").append(seed).append(";w=").append(weightsText);
    for (int i = 0; i < children.size(); i++) {
      CorpusCursor c = children.get(i).cursor();
      sb.append('|').append(Cursors.escape(c.source())).append('|').append(Cursors.escape(c.state()));
    }
    return new CorpusCursor(name, sb.toString());
  }

  @Override
  public synchronized void restore(CorpusCursor cursor) {
    if (!cursor.source().equals(name)) {
      throw new CorpusException("cursor belongs to source '" + cursor.source() + "', not '" + name + "'");
    }
    String[] parts = cursor.state().split("\\|", -1);
    if (parts.length != 1 + 2 * children.size()) {
      throw new CorpusException(
          "cursor for mixture '" + name + "' holds " + (parts.length - 1) / 2 + " child cursors, this mixture has "
              + children.size() + " sources: '" + cursor.state() + "'");
    }
    Map<String, String> m = Cursors.parse(name, parts[0]);
    long d = Cursors.number(name, m, "draws");
    long s = Cursors.number(name, m, "seed");
    if (s != seed || !weightsText.equals(m.get("w"))) {
      throw new CorpusException(
          "cursor for mixture '" + name + "' was written with seed " + s + " and weights " + m.get("w")
              + ", this mixture uses seed " + seed + " and weights " + weightsText);
    }
    if (d < 0) {
      throw new CorpusException("cursor for mixture '" + name + "': negative draws " + d);
    }
    CorpusCursor[] kids = new CorpusCursor[children.size()];
    for (int i = 0; i < kids.length; i++) {
      kids[i] = new CorpusCursor(Cursors.unescape(parts[1 + 2 * i]), Cursors.unescape(parts[2 + 2 * i]));
    }
    // restore all children or none: remember their positions to roll back
    CorpusCursor[] before = new CorpusCursor[kids.length];
    for (int i = 0; i < kids.length; i++) {
      before[i] = children.get(i).cursor();
    }
    int done = 0;
    try {
      for (; done < kids.length; done++) {
        children.get(done).restore(kids[done]);
      }
    } catch (RuntimeException e) {
      for (int i = 0; i < done; i++) {
        children.get(i).restore(before[i]);
      }
      throw e;
    }
    draws = d;
  }

  @Override
  public OptionalLong size() {
    long total = 0;
    for (CorpusSource c : children) {
      OptionalLong s = c.size();
      if (s.isEmpty()) {
        return OptionalLong.empty();
      }
      total += s.getAsLong();
    }
    return OptionalLong.of(total);
  }

  @Override
  public CorpusStats stats() {
    CorpusStats st = CorpusStats.empty();
    for (CorpusSource c : children) {
      if (c instanceof Corpus k) {
        st = st.plus(k.stats());
      }
    }
    return st;
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (CorpusSource c : children) {
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException r ? r : new CorpusException("cannot close " + c.name(), e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
