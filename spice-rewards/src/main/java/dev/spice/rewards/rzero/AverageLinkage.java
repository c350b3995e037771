package dev.spice.rewards.rzero;

/**
 * Agglomerative clustering with average linkage (UPGMA) and a distance threshold.
 *
 * <p>Every item starts alone; the two clusters with the smallest average pairwise distance are
 * merged while that distance is {@code < tau} (strictly). Ties between pairs go to the pair with
 * the smaller first cluster, then the smaller second one (clusters are named by their smallest
 * member), so the result is deterministic. Cost {@code O(n^3)} time, {@code O(n^2)} memory.
 */
final class AverageLinkage {
  private AverageLinkage() {}

  /**
   * Cluster ids, one per item, numbered 0, 1, ... in order of each cluster's first member.
   *
   * @param distance a symmetric {@code n x n} matrix of distances (only {@code i < j} is read)
   * @param tau merge threshold
   */
  static int[] clusters(double[][] distance, double tau) {
    int n = distance.length;
    double[][] d = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        d[i][j] = distance[i][j];
        d[j][i] = distance[i][j];
      }
    }
    int[] size = new int[n];
    int[] root = new int[n];
    boolean[] active = new boolean[n];
    for (int i = 0; i < n; i++) {
      size[i] = 1;
      root[i] = i;
      active[i] = true;
    }
    while (true) {
      int bestA = -1;
      int bestB = -1;
      double best = Double.POSITIVE_INFINITY;
      for (int a = 0; a < n; a++) {
        if (!active[a]) {
          continue;
        }
        for (int b = a + 1; b < n; b++) {
          if (active[b] && d[a][b] < best) {
            best = d[a][b];
            bestA = a;
            bestB = b;
          }
        }
      }
      if (bestA < 0 || !(best < tau)) {
        break;
      }
      // Lance-Williams update for average linkage: the merged cluster's distance to k is the
      // size-weighted mean of its parts' distances.
      for (int k = 0; k < n; k++) {
        if (active[k] && k != bestA && k != bestB) {
          double v = (size[bestA] * d[bestA][k] + size[bestB] * d[bestB][k]) / (size[bestA] + size[bestB]);
          d[bestA][k] = v;
          d[k][bestA] = v;
        }
      }
      size[bestA] += size[bestB];
      active[bestB] = false;
      for (int i = 0; i < n; i++) {
        if (root[i] == bestB) {
          root[i] = bestA;
        }
      }
    }
    int[] id = new int[n];
    int[] idOfRoot = new int[n];
    java.util.Arrays.fill(idOfRoot, -1);
    int next = 0;
    for (int i = 0; i < n; i++) {
      if (idOfRoot[root[i]] < 0) {
        idOfRoot[root[i]] = next++;
      }
      id[i] = idOfRoot[root[i]];
    }
    return id;
  }
}
