package dev.spice.rewards.rzero;

import dev.spice.core.SpiceException.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * R-Zero's repetition penalty: questions of one batch that are near copies of each other share a
 * penalty that grows with the size of their group.
 *
 * <p>For a batch of {@code B} questions:
 *
 * <ol>
 *   <li>pairwise distance {@code d_ij = 1 - Bleu.symmetric(x_i, x_j)}, in {@code [0, 1]}
 *       ({@link Bleu}: whitespace tokens, n = 1..4, uniform weights, brevity penalty, add-one
 *       smoothing for n > 1, both directions averaged);
 *   <li>agglomerative clustering with <b>average linkage</b>: starting from singletons, the two
 *       clusters with the smallest mean pairwise distance are merged while that mean is
 *       {@code < tau} (ties go to the pair of clusters whose earliest questions come first);
 *   <li>penalty of question {@code i}: {@code |C_i| / B}, where {@code C_i} is its cluster.
 * </ol>
 *
 * <p>Average linkage (rather than connected components of the graph {@code d_ij < tau}) keeps a
 * chain of small edits from collapsing into one big cluster: a cluster only absorbs a question
 * that is close to its members on average. A question alone in its cluster gets {@code 1 / B};
 * {@code B} identical questions get 1 each. With {@code tau = 0} nothing merges.
 *
 * <p>Immutable and thread-safe. Cost: {@code B^2} BLEU evaluations and {@code O(B^3)} clustering.
 */
public final class RepetitionPenalty {
  /** R-Zero's distance threshold {@code tau}. */
  public static final double DEFAULT_TAU = 0.5;

  private static final RepetitionPenalty DEFAULT = new RepetitionPenalty(DEFAULT_TAU);

  private final double tau;

  private RepetitionPenalty(double tau) {
    this.tau = tau;
  }

  /**
   * The penalty with {@code tau = 0.5}.
   *
   * @return the default penalty
   */
  public static RepetitionPenalty defaults() {
    return DEFAULT;
  }

  /**
   * The penalty with a chosen merge threshold.
   *
   * @param tau distance threshold in {@code [0, 1]}: clusters merge while their average distance
   *     is below it
   * @return a new penalty with that threshold
   * @throws ConfigurationException if {@code tau} is outside {@code [0, 1]} or NaN
   */
  public static RepetitionPenalty withThreshold(double tau) {
    if (!(tau >= 0 && tau <= 1)) {
      throw new ConfigurationException("repetition threshold tau must be in [0, 1], got " + tau);
    }
    return new RepetitionPenalty(tau);
  }

  /**
   * The merge threshold {@code tau}.
   *
   * @return {@code tau}
   */
  public double tau() {
    return tau;
  }

  /**
   * The BLEU distance {@code 1 - Bleu.symmetric(a, b)}, in {@code [0, 1]}; symmetric, and 0 for
   * texts with the same tokens.
   *
   * @param a one text
   * @param b the other text
   * @return the distance
   * @throws NullPointerException if either text is null
   */
  public static double distance(String a, String b) {
    return 1 - Bleu.symmetric(a, b);
  }

  /**
   * The cluster of each question: ids {@code 0, 1, ...}, numbered in order of each cluster's first
   * question, so equal ids mean "near copies". Deterministic.
   *
   * @param questions the batch, no element null
   * @return one cluster id per question, in input order
   * @throws NullPointerException if the list or an element is null
   */
  public int[] clusters(List<String> questions) {
    Objects.requireNonNull(questions, "questions");
    int n = questions.size();
    List<Bleu.NGrams> grams = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      grams.add(Bleu.NGrams.of(Objects.requireNonNull(questions.get(i), "question " + i)));
    }
    double[][] d = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        d[i][j] = 1 - Bleu.symmetric(grams.get(i), grams.get(j));
        d[j][i] = d[i][j];
      }
    }
    return AverageLinkage.clusters(d, tau);
  }

  /**
   * The penalty {@code |C_i| / B} of every question, with {@code B = questions.size()}; each value
   * lies in {@code [1/B, 1]}.
   *
   * @param questions the batch, no element null
   * @return one penalty per question, in input order
   * @throws NullPointerException if the list or an element is null
   */
  public double[] penalties(List<String> questions) {
    return penalties(clusters(questions), questions.size());
  }

  /** {@code |C_i| / batchSize} for cluster ids as returned by {@link #clusters(List)}. */
  static double[] penalties(int[] clusters, int batchSize) {
    int[] sizes = new int[clusters.length];
    for (int c : clusters) {
      sizes[c]++;
    }
    double[] out = new double[clusters.length];
    for (int i = 0; i < clusters.length; i++) {
      out[i] = (double) sizes[clusters[i]] / batchSize;
    }
    return out;
  }

  @Override
  public String toString() {
    return "RepetitionPenalty[tau=" + tau + ", linkage=average, distance=1-BLEU]";
  }
}
