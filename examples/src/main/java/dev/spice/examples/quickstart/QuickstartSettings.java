package dev.spice.examples.quickstart;

import dev.spice.core.SpiceException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting of the quickstart. The defaults are the ones measured to learn on 2 CPU cores in
 * about four minutes (see the benchmarks README, "Quickstart learning run"). Build with
 * {@link #builder()}; immutable.
 *
 * @param seed seed of everything (world, documents, model init, engine, probe, evaluation)
 * @param countries number of Factbook countries in the world (default 24: 144 facts)
 * @param fields Factbook fields of the world (default capital, government_type, region, climate,
 *     currency, language: 8 to 24 distinct values per field, so a free-form answer (constrained
 *     to the field's values) starts right about 1 time in 14 and free form stays in the
 *     Challenger's mix)
 * @param documentsPerCountry shuffled documents per country (default 3)
 * @param minLines fewest fact lines per document (default 4)
 * @param maxLines most fact lines per document (default 6)
 * @param pointers lines the Challenger can point at: its action tokens are {@code MCQ@L0..} and
 *     {@code FREE@L0..} (default 6, the longest document; a pointer past a document's last line is
 *     an invalid task)
 * @param iterations self-play iterations (default 3000: 3.5-5 minutes on 2 cores at 67-100 ms per
 *     iteration; more under load)
 * @param batchSize B, documents per iteration (default 32)
 * @param groupSize G for both roles (default 4)
 * @param learningRate AdamW learning rate (default 5e-4; 1e-3 learns free form faster but never
 *     multiple choice)
 * @param gradClip global gradient-norm clip (default 1.0)
 * @param hiddenSize model width (default 64: about 120k parameters)
 * @param layers transformer layers (default 2)
 * @param heads attention heads (default 4)
 * @param threads PyTorch threads (default 1, fastest for tiny matrices)
 * @param probeFree free-form probe tasks (default 200)
 * @param probeMcq multiple-choice probe tasks (default 200)
 * @param probeEvery iterations between probe evaluations (default 100)
 * @param checkpointEvery iterations between periodic checkpoints (default 250; the co-evolution checkpoints are always kept)
 * @param coevolutionAttempts task attempts per document and Challenger checkpoint in the
 *     co-evolution evaluation (default 8; every document of the world is used)
 */
public record QuickstartSettings(
    long seed, int countries, List<String> fields, int documentsPerCountry, int minLines, int maxLines,
    int pointers, int iterations, int batchSize, int groupSize, double learningRate, double gradClip,
    int hiddenSize, int layers, int heads, int threads, int probeFree, int probeMcq, int probeEvery,
    int checkpointEvery, int coevolutionAttempts) {

  /** The default fields. */
  public static final List<String> DEFAULT_FIELDS =
      List.of("capital", "government_type", "region", "climate", "currency", "language");

  /** Validates. @throws SpiceException.ConfigurationException naming every bad value */
  public QuickstartSettings {
    fields = List.copyOf(fields);
    List<String> e = new ArrayList<>();
    if (countries < 5) {
      e.add("countries must be >= 5, got " + countries);
    }
    if (documentsPerCountry < 1) {
      e.add("documentsPerCountry must be >= 1, got " + documentsPerCountry);
    }
    if (minLines < 1 || maxLines < minLines || maxLines > fields.size() || maxLines > pointers) {
      e.add("lines must satisfy 1 <= minLines <= maxLines <= min(number of fields, pointers), got minLines "
          + minLines + ", maxLines " + maxLines);
    }
    if (iterations < 1) {
      e.add("iterations must be >= 1, got " + iterations);
    }
    if (batchSize < 1) {
      e.add("batchSize must be >= 1, got " + batchSize);
    }
    if (groupSize < 2) {
      e.add("groupSize must be >= 2, got " + groupSize);
    }
    if (!(learningRate > 0)) {
      e.add("learningRate must be > 0, got " + learningRate);
    }
    if (!(gradClip >= 0)) {
      e.add("gradClip must be >= 0 (0 disables), got " + gradClip);
    }
    if (hiddenSize < 4 || heads < 1 || hiddenSize % heads != 0 || (hiddenSize / heads) % 2 != 0) {
      e.add("hiddenSize must be a multiple of heads with an even head size, got hiddenSize " + hiddenSize + ", heads " + heads);
    }
    if (layers < 1) {
      e.add("layers must be >= 1, got " + layers);
    }
    if (threads < 1) {
      e.add("threads must be >= 1, got " + threads);
    }
    if (probeFree < 0 || probeMcq < 0 || probeFree + probeMcq == 0) {
      e.add("probeFree and probeMcq must be >= 0 and not both 0, got " + probeFree + ", " + probeMcq);
    }
    if (probeEvery < 1) {
      e.add("probeEvery must be >= 1, got " + probeEvery);
    }
    if (checkpointEvery < 1) {
      e.add("checkpointEvery must be >= 1, got " + checkpointEvery);
    }
    if (coevolutionAttempts < 1) {
      e.add("coevolutionAttempts must be >= 1, got " + coevolutionAttempts);
    }
    if (!e.isEmpty()) {
      throw new SpiceException.ConfigurationException("Invalid quickstart settings: " + String.join("; ", e));
    }
  }

  /** The defaults. */
  public static QuickstartSettings defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.seed = seed; b.countries = countries; b.fields = fields; b.documentsPerCountry = documentsPerCountry;
    b.minLines = minLines; b.maxLines = maxLines; b.pointers = pointers; b.iterations = iterations;
    b.batchSize = batchSize; b.groupSize = groupSize; b.learningRate = learningRate; b.gradClip = gradClip;
    b.hiddenSize = hiddenSize; b.layers = layers; b.heads = heads; b.threads = threads; b.probeFree = probeFree;
    b.probeMcq = probeMcq; b.probeEvery = probeEvery; b.checkpointEvery = checkpointEvery;
    b.coevolutionAttempts = coevolutionAttempts;
    return b;
  }

  /** The settings as stable snake_case keys (stored in report.json and checkpoints). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seed", seed);
    m.put("countries", countries);
    m.put("fields", fields);
    m.put("documents_per_country", documentsPerCountry);
    m.put("min_lines", minLines);
    m.put("max_lines", maxLines);
    m.put("pointers", pointers);
    m.put("iterations", iterations);
    m.put("batch_size", batchSize);
    m.put("group_size", groupSize);
    m.put("learning_rate", learningRate);
    m.put("grad_clip", gradClip);
    m.put("hidden_size", hiddenSize);
    m.put("layers", layers);
    m.put("heads", heads);
    m.put("threads", threads);
    m.put("probe_free", probeFree);
    m.put("probe_mcq", probeMcq);
    m.put("probe_every", probeEvery);
    m.put("checkpoint_every", checkpointEvery);
    m.put("coevolution_attempts", coevolutionAttempts);
    return m;
  }

  /** Fluent builder; every method sets the setting of the same name (see the record). */
  public static final class Builder {
    private long seed = 1;
    private int countries = 24;
    private List<String> fields = DEFAULT_FIELDS;
    private int documentsPerCountry = 3;
    private int minLines = 4;
    private int maxLines = 6;
    private int pointers = 6;
    private int iterations = 3000;
    private int batchSize = 32;
    private int groupSize = 4;
    private double learningRate = 5e-4;
    private double gradClip = 1.0;
    private int hiddenSize = 64;
    private int layers = 2;
    private int heads = 4;
    private int threads = 1;
    private int probeFree = 200;
    private int probeMcq = 200;
    private int probeEvery = 100;
    private int checkpointEvery = 250;
    private int coevolutionAttempts = 8;

    private Builder() {}

    /** See {@link QuickstartSettings#seed()}. */
    public Builder seed(long v) { seed = v; return this; }
    /** See {@link QuickstartSettings#countries()}. */
    public Builder countries(int v) { countries = v; return this; }
    /** See {@link QuickstartSettings#fields()}. */
    public Builder fields(List<String> v) { fields = List.copyOf(v); return this; }
    /** See {@link QuickstartSettings#documentsPerCountry()}. */
    public Builder documentsPerCountry(int v) { documentsPerCountry = v; return this; }
    /** See {@link QuickstartSettings#minLines()}. */
    public Builder minLines(int v) { minLines = v; return this; }
    /** See {@link QuickstartSettings#maxLines()}. */
    public Builder maxLines(int v) { maxLines = v; return this; }
    /** See {@link QuickstartSettings#pointers()}. */
    public Builder pointers(int v) { pointers = v; return this; }
    /** See {@link QuickstartSettings#iterations()}. */
    public Builder iterations(int v) { iterations = v; return this; }
    /** See {@link QuickstartSettings#batchSize()}. */
    public Builder batchSize(int v) { batchSize = v; return this; }
    /** See {@link QuickstartSettings#groupSize()}. */
    public Builder groupSize(int v) { groupSize = v; return this; }
    /** See {@link QuickstartSettings#learningRate()}. */
    public Builder learningRate(double v) { learningRate = v; return this; }
    /** See {@link QuickstartSettings#gradClip()}. */
    public Builder gradClip(double v) { gradClip = v; return this; }
    /** See {@link QuickstartSettings#hiddenSize()}. */
    public Builder hiddenSize(int v) { hiddenSize = v; return this; }
    /** See {@link QuickstartSettings#layers()}. */
    public Builder layers(int v) { layers = v; return this; }
    /** See {@link QuickstartSettings#heads()}. */
    public Builder heads(int v) { heads = v; return this; }
    /** See {@link QuickstartSettings#threads()}. */
    public Builder threads(int v) { threads = v; return this; }
    /** See {@link QuickstartSettings#probeFree()}. */
    public Builder probeFree(int v) { probeFree = v; return this; }
    /** See {@link QuickstartSettings#probeMcq()}. */
    public Builder probeMcq(int v) { probeMcq = v; return this; }
    /** See {@link QuickstartSettings#probeEvery()}. */
    public Builder probeEvery(int v) { probeEvery = v; return this; }
    /** See {@link QuickstartSettings#checkpointEvery()}. */
    public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
    /** See {@link QuickstartSettings#coevolutionAttempts()}. */
    public Builder coevolutionAttempts(int v) { coevolutionAttempts = v; return this; }

    /** Validates and builds. @throws SpiceException.ConfigurationException naming every bad value */
    public QuickstartSettings build() {
      return new QuickstartSettings(seed, countries, fields, documentsPerCountry, minLines, maxLines, pointers,
          iterations, batchSize, groupSize, learningRate, gradClip, hiddenSize, layers, heads, threads, probeFree,
          probeMcq, probeEvery, checkpointEvery, coevolutionAttempts);
    }
  }
}
