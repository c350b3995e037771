package dev.spice.corpus;

import dev.spice.core.CorpusSource;
import dev.spice.core.SpiceException.ConfigurationException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Builds a weighted mixture: each draw picks a child source with probability proportional to
 * its weight (from a seeded counter-based generator, so it is recomputed on resume) and returns
 * that child's next document, keeping the child's name as {@link dev.spice.core.Document#source()}.
 * The paper mixes two corpora half and half: {@code mix().add(a, 1).add(b, 1)}.
 *
 * <p>The mixture owns its children: closing it closes them. Its cursor embeds the children's
 * cursors. {@link Corpus#size()} is the sum of the children's sizes; there is no mixture epoch.
 * Default name: {@code mix}.
 */
public final class MixtureBuilder {
  private final List<CorpusSource> children = new ArrayList<>();
  private final List<Double> weights = new ArrayList<>();
  private String name = "mix";
  private long seed = Corpora.DEFAULT_SEED;

  MixtureBuilder() {}

  /**
   * Adds a child with a weight, finite and {@code > 0}.
   *
   * @param source the child source
   * @param weight its weight, finite and positive
   * @return this builder
   */
  public MixtureBuilder add(CorpusSource source, double weight) {
    children.add(Objects.requireNonNull(source, "source"));
    weights.add(weight);
    return this;
  }

  /**
   * The mixture's name (one non-blank line; default {@code mix}).
   *
   * @param name the mixture name
   * @return this builder
   */
  public MixtureBuilder name(String name) {
    this.name = Objects.requireNonNull(name, "name");
    return this;
  }

  /**
   * Seeds the choice of child per draw (default {@link Corpora#DEFAULT_SEED}).
   *
   * @param seed the seed of the child choice
   * @return this builder
   */
  public MixtureBuilder seed(long seed) {
    this.seed = seed;
    return this;
  }

  /**
   * Validates and builds.
   *
   * @return the mixture corpus
   * @throws ConfigurationException if there is no child, a weight is not finite and positive, or
   *     two children share a name
   */
  public Corpus build() {
    CorpusBuilder.checkName(name);
    if (children.isEmpty()) {
      throw new ConfigurationException("mixture '" + name + "' needs at least one source (add(source, weight))");
    }
    Set<String> names = new HashSet<>();
    double[] w = new double[weights.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = weights.get(i);
      if (!(w[i] > 0) || Double.isInfinite(w[i])) {
        throw new ConfigurationException(
            "mixture '" + name + "': weight of '" + children.get(i).name() + "' must be finite and > 0, got " + w[i]);
      }
      if (!names.add(children.get(i).name())) {
        throw new ConfigurationException(
            "mixture '" + name + "': two sources are named '" + children.get(i).name() + "'; give them distinct names");
      }
    }
    return new MixtureCorpus(name, children, w, seed);
  }
}
