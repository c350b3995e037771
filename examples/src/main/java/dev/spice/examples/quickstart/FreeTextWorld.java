package dev.spice.examples.quickstart;

import dev.spice.core.Challenger;
import dev.spice.core.Demonstration;
import dev.spice.core.Document;
import dev.spice.core.LossSettings;
import dev.spice.core.Reasoner;
import dev.spice.core.Recipe;
import dev.spice.core.RewardFunction;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.engine.SelfPlay;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.roles.Roles;
import dev.spice.core.roles.TextTaskCodec;
import dev.spice.core.sampling.Seeds;
import dev.spice.core.text.PromptTemplate;
import dev.spice.corpus.Corpora;
import dev.spice.corpus.Corpus;
import dev.spice.corpus.seeds.ClozeItem;
import dev.spice.corpus.seeds.ClozeTasks;
import dev.spice.corpus.tokenizer.TokenizerTrainer;
import dev.spice.corpus.tokenizer.TrainedTokenizer;
import dev.spice.djl.DjlPolicy;
import dev.spice.djl.HfTokenizer;
import dev.spice.djl.OptimizerSettings;
import dev.spice.rewards.AdvantageEstimators;
import dev.spice.rewards.ChallengerRewards;
import dev.spice.rewards.LossAggregations;
import dev.spice.rewards.ReasonerRewards;
import dev.spice.rewards.verify.AnswerExtractors;
import dev.spice.rewards.verify.Verifiers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The free-text quickstart's world, made only of SDK parts: Factbook fact documents, the
 * {@link ClozeTasks} split into demonstration and held-out countries, the demonstrations (format
 * examples made from the demonstration countries' documents), the probe (cloze tasks over the
 * held-out countries, free form and multiple choice with options shuffled per item), a word-level
 * tokenizer learnt from the text ({@link TokenizerTrainer}), the roles ({@link Roles#textChallenger}
 * with a {@link TextTaskCodec}, {@link Roles#textReasoner} with {@link AnswerExtractors#defaults()}),
 * the recipe and the engine settings. Immutable after construction.
 */
public final class FreeTextWorld {
  /** Shuffled option orders per demonstration-country fact in the Reasoner's demonstrations. */
  static final int MCQ_SHUFFLES = 3;

  final FreeTextSettings settings;
  final List<Document> documents;
  final String corpusName;
  final java.util.function.Function<Document, String> splitKey;
  final ClozeTasks.Split split;
  final TextTaskCodec codec;
  final Challenger challenger;
  final Reasoner reasoner;
  final List<Demonstration> demonstrations;
  final List<Task> probeFree;
  final List<Task> probeMcq;
  /** Held-out cloze items left out of the probe because the codec cannot write them (see {@link #writable}). */
  int skippedProbeItems;
  /** Demonstration cloze items left out for the same reason. */
  int skippedDemonstrationItems;

  /** The world of {@code s} on the Factbook facts (no model yet). */
  public FreeTextWorld(FreeTextSettings s) {
    this(s, factbookDocuments(s), "factbook-facts", d -> d.metadata().getOrDefault("country", d.id()));
  }

  /**
   * The world of {@code s} on any documents (no model yet).
   *
   * @param documents the corpus, in memory
   * @param corpusName the corpus's name in run settings
   * @param splitKey documents with the same key go to the same side of the demonstration / held-out split
   */
  public FreeTextWorld(FreeTextSettings s, List<Document> documents, String corpusName,
      java.util.function.Function<Document, String> splitKey) {
    this.settings = s;
    this.documents = List.copyOf(documents);
    this.corpusName = corpusName;
    this.splitKey = splitKey;
    this.split = ClozeTasks.builder()
        .splitKey(splitKey)
        .heldOutFraction(s.heldOutFraction())
        .seed(Seeds.mix(s.seed(), 3))
        .build()
        .split(documents);
    this.codec = TextTaskCodec.builder().grounding(s.grounding()).build();
    this.challenger = Roles.textChallenger(codec);
    this.reasoner = Roles.textReasoner(AnswerExtractors.defaults());
    this.demonstrations = demonstrations(Seeds.mix(s.seed(), 4));
    this.probeFree = new ArrayList<>();
    this.probeMcq = new ArrayList<>();
    long probeSeed = Seeds.mix(s.seed(), 5);
    int i = 0;
    for (ClozeItem it : split.heldOutItems()) {
      if (!writable(it)) {
        skippedProbeItems++;
        continue;
      }
      probeFree.add(it.freeForm());
      if (it.hasMultipleChoice()) {
        probeMcq.add(it.multipleChoice(Seeds.mix(probeSeed, i++)));
      }
    }
  }

  /** The Factbook world's documents: shuffled fact lines of {@code s.countries()} countries. */
  static List<Document> factbookDocuments(FreeTextSettings s) {
    FactWorld world = FactWorld.fromFactbook(s.countries(), s.fields(), Math.max(s.maxLines(), s.fields().size()),
        Seeds.mix(s.seed(), 1));
    return world.documents(s.documentsPerCountry(), s.minLines(), s.maxLines(), Seeds.mix(s.seed(), 2));
  }

  /**
   * The demonstrations: for each demonstration document and each cloze item whose sentence it
   * contains, the Challenger writing that item as a free-form and as a multiple-choice task; for each
   * demonstration item, the Reasoner answering it free form and in {@link #MCQ_SHUFFLES} option
   * orders.
   */
  private List<Demonstration> demonstrations(long seed) {
    List<Demonstration> out = new ArrayList<>();
    long k = 0;
    for (Document d : split.demonstrationDocuments()) {
      String text = key(d.text());
      var prompt = challenger.prompt(d);
      for (ClozeItem it : split.demonstrationItems()) {
        if (!writable(it) || !text.contains(key(it.sentence()))) {
          continue;
        }
        out.add(new Demonstration(prompt, codec.encode(it.freeForm())));
        if (it.hasMultipleChoice()) {
          out.add(new Demonstration(prompt, codec.encode(it.multipleChoice(Seeds.mix(seed, k++)))));
        }
      }
    }
    for (ClozeItem it : split.demonstrationItems()) {
      if (!writable(it)) {
        skippedDemonstrationItems++;
        continue;
      }
      Task f = it.freeForm();
      out.add(new Demonstration(reasoner.prompt(f), Roles.textDemonstration(f)));
      if (it.hasMultipleChoice()) {
        for (int r = 0; r < MCQ_SHUFFLES; r++) {
          Task m = it.multipleChoice(Seeds.mix(seed, k++));
          out.add(new Demonstration(reasoner.prompt(m), Roles.textDemonstration(m)));
        }
      }
    }
    if (out.isEmpty()) {
      throw new SpiceException.ConfigurationException("no demonstrations: " + split.demonstrationDocuments().size()
          + " demonstration documents gave " + split.demonstrationItems().size() + " cloze items");
    }
    return List.copyOf(out);
  }

  /**
   * Whether the codec can write the item's tasks (free form and, if any, multiple choice): not when
   * the question shows its own answer (the cloze of {@code Guinea-Bissau capital Bissau}) or breaks
   * the codec's limits. Such items are neither demonstrated nor probed; they are counted.
   */
  private boolean writable(ClozeItem it) {
    try {
      codec.encode(it.freeForm());
      if (it.hasMultipleChoice()) {
        codec.encode(it.multipleChoice(0));
      }
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String key(String sentence) {
    return sentence.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  /** Every text the tokenizer learns from: documents, prompts and completions of demonstrations and of the probe. */
  List<String> tokenizerTexts() {
    List<String> t = new ArrayList<>();
    for (Document d : documents) {
      t.add(d.text());
      t.add(challenger.prompt(d).text());
    }
    t.add(challenger.prompt(Document.of("empty", "", "none")).text());
    for (Demonstration d : demonstrations) {
      t.add(d.prompt().text());
      t.add(d.completion());
    }
    for (Task p : probeFree) {
      t.add(reasoner.prompt(p).text());
      t.add(Roles.textDemonstration(p));
    }
    for (Task p : probeMcq) {
      t.add(reasoner.prompt(p).text());
      t.add(Roles.textDemonstration(p));
    }
    return t;
  }

  /** Learns the word-level tokenizer and saves it as {@code dir/tokenizer.json}; returns the file. */
  Path trainTokenizer(Path dir) {
    TrainedTokenizer tok = TokenizerTrainer.wordLevel().minFrequency(1).vocabSize(1 << 16).build()
        .train(tokenizerTexts());
    return tok.save(dir);
  }

  /** The architecture for a vocabulary of {@code vocab} tokens. */
  TransformerConfig config(int vocab) {
    FreeTextSettings s = settings;
    return TransformerConfig.tiny(vocab, s.hiddenSize(), s.layers(), s.heads(), s.heads());
  }

  /** A fresh random-init policy with the tokenizer at {@code tokenizerFile}, for the warm start. */
  DjlPolicy newPolicy(Path tokenizerFile) {
    HfTokenizer tok = HfTokenizer.load(tokenizerFile);
    try {
      return DjlPolicy.builder()
          .randomInit(config(tok.vocabSize()), Seeds.mix(settings.seed(), 6))
          .tokenizer(tok)
          .template(PromptTemplate.RAW)
          .optimizer(OptimizerSettings.adamW(settings.warmLearningRate()).withGradClip(settings.gradClip()))
          .threads(settings.threads())
          .build();
    } catch (RuntimeException e) {
      tok.close();
      throw e;
    }
  }

  /** The warm-started model (a Hugging Face directory) loaded for self-play. */
  DjlPolicy loadPolicy(Path modelDir) {
    return DjlPolicy.builder()
        .pretrained(modelDir)
        .template(PromptTemplate.RAW)
        .optimizer(OptimizerSettings.adamW(settings.learningRate()).withGradClip(settings.gradClip()))
        .threads(settings.threads())
        .build();
  }

  /** The corpus every arm's self-play reads (all documents, held-out countries included). */
  Corpus corpus(long seed) {
    return Corpora.memory(documents).name(corpusName).seed(seed).build();
  }

  /** The Challenger's sampling. */
  SamplingParams challengerSampling() {
    return SamplingParams.defaults(settings.challengerTokens());
  }

  /** The Reasoner's sampling. */
  SamplingParams reasonerSampling() {
    return SamplingParams.defaults(settings.reasonerTokens());
  }

  /** The recipe with the given Challenger reward: text answers extracted and verified by the SDK, Dr. GRPO. */
  Recipe recipe(String name, RewardFunction<ChallengerOutcome> challengerReward) {
    FreeTextSettings s = settings;
    return new Recipe(name, s.challengerGroup(), s.reasonerGroup(), challengerReward,
        ReasonerRewards.correctness(AnswerExtractors.defaults(), Verifiers.defaults()).async(),
        AdvantageEstimators.drGrpo(), AdvantageEstimators.drGrpo(),
        new LossSettings(0.2, 0.2, 0.0, LossAggregations.drGrpo(s.challengerTokens())));
  }

  /**
   * The Challenger role of an arm: the world's, restricted to one task format for
   * {@code spice_mcq_only} and {@code spice_free_only} ({@link Roles#onlyFormats}).
   */
  Challenger challenger(String arm) {
    return switch (arm) {
      case "spice_mcq_only" -> Roles.onlyFormats(challenger, java.util.Set.of(dev.spice.core.TaskFormat.MULTIPLE_CHOICE));
      case "spice_free_only" -> Roles.onlyFormats(challenger, java.util.Set.of(dev.spice.core.TaskFormat.FREE_FORM));
      default -> challenger;
    };
  }

  /** The recipe of an arm: the variance Challenger reward unless the arm names another. */
  Recipe recipe(String arm) {
    return switch (arm) {
      case "spice_threshold" -> recipe(arm, ChallengerRewards.threshold());
      case "spice_r_zero" -> recipe(arm, ChallengerRewards.rZero());
      case "spice_absolute_zero" -> recipe(arm, ChallengerRewards.absoluteZero());
      default -> recipe(arm, ChallengerRewards.variance());
    };
  }

  /**
   * An engine builder with everything but the run folder, listeners and a frozen Challenger; without
   * {@code grounded}, no corpus ({@code corpusGrounded(false)}: the Challenger gets no document).
   */
  SelfPlay.Builder engine(DjlPolicy policy, Recipe recipe, long seed, boolean grounded, Challenger role) {
    SelfPlay.Builder b = SelfPlay.builder();
    if (grounded) {
      b.corpus(corpus(seed));
    } else {
      b.corpusGrounded(false);
    }
    return b
        .policy(policy)
        .challenger(role)
        .reasoner(reasoner)
        .recipe(recipe)
        .batchSize(settings.batchSize())
        .seed(seed)
        .challengerSampling(challengerSampling())
        .reasonerSampling(reasonerSampling());
  }
}
