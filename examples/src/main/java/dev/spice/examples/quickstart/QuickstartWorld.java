package dev.spice.examples.quickstart;

import dev.spice.core.ChallengerOutcome;
import dev.spice.core.Document;
import dev.spice.core.LossSettings;
import dev.spice.core.Recipe;
import dev.spice.core.RewardFunction;
import dev.spice.core.SamplingParams;
import dev.spice.core.Task;
import dev.spice.core.TaskFormat;
import dev.spice.core.engine.SelfPlay;
import dev.spice.core.model.TransformerConfig;
import dev.spice.corpus.Corpora;
import dev.spice.corpus.Corpus;
import dev.spice.djl.DjlPolicy;
import dev.spice.djl.OptimizerSettings;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.WordTokenizer;
import dev.spice.rewards.AdvantageEstimators;
import dev.spice.rewards.ChallengerRewards;
import dev.spice.rewards.LossAggregations;
import dev.spice.rewards.ReasonerRewards;
import dev.spice.rewards.verify.Verifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The quickstart's world, policy, recipe and engine settings, built from {@link QuickstartSettings}
 * in one place: the quickstart, the Challenger-reward ablation and the learning harness in
 * {@code benchmarks} all use it, so they cannot drift apart (the ablation once sampled two
 * Challenger tokens where the codec accepts exactly one, and no task was ever valid).
 */
public final class QuickstartWorld {
  /** The Challenger emits exactly one action token; the Reasoner one answer token. */
  public static final SamplingParams CHALLENGER_SAMPLING = SamplingParams.defaults(1);
  /** The Reasoner answers with one constrained token. */
  public static final SamplingParams REASONER_SAMPLING = SamplingParams.defaults(1);

  final QuickstartSettings settings;
  final FactWorld world;
  final List<Document> documents;
  final WordTokenizer tokenizer;
  final TransformerConfig config;

  /** Builds the world of {@code s}: facts, documents, vocabulary and model architecture. */
  public QuickstartWorld(QuickstartSettings s) {
    this.settings = s;
    this.world = FactWorld.fromFactbook(s.countries(), s.fields(), s.pointers(), QuickstartSeeds.world(s.seed()));
    this.documents = world.documents(s.documentsPerCountry(), s.minLines(), s.maxLines(),
        QuickstartSeeds.documents(s.seed()));
    this.tokenizer = WordTokenizer.withSpecialTokens(world.vocabulary());
    this.config = TransformerConfig.tiny(tokenizer.vocabSize(), s.hiddenSize(), s.layers(), s.heads(), s.heads());
  }

  /** A fresh policy at the settings' seed (random init). */
  public DjlPolicy newPolicy() {
    QuickstartSettings s = settings;
    return DjlPolicy.builder()
        .randomInit(config, QuickstartSeeds.training(s.seed()))
        .tokenizer(tokenizer)
        .template(PromptTemplate.RAW)
        .optimizer(OptimizerSettings.adamW(s.learningRate()).withGradClip(s.gradClip()))
        .threads(s.threads())
        .eosWhenConstrained(false)
        .build();
  }

  /** The quickstart's corpus: its documents, sampled at the settings' seed. */
  public Corpus corpus() {
    return Corpora.memory(documents).name("factbook-facts").seed(QuickstartSeeds.training(settings.seed())).build();
  }

  /** The quickstart's recipe with the paper's variance Challenger reward. */
  public Recipe recipe() {
    return recipe("spice-quickstart", ChallengerRewards.variance());
  }

  /** The quickstart's recipe (group sizes, exact-match Reasoner reward, Dr. GRPO) with another Challenger reward. */
  public Recipe recipe(String name, RewardFunction<ChallengerOutcome> challengerReward) {
    var reasonerReward = ReasonerRewards.correctness(
        (text, task) -> text == null || text.isBlank() ? Optional.empty() : Optional.of(text.strip()),
        Verifiers.defaults());
    return new Recipe(name, settings.groupSize(), settings.groupSize(), challengerReward, reasonerReward.async(),
        AdvantageEstimators.drGrpo(), AdvantageEstimators.drGrpo(),
        new LossSettings(0.2, 0.2, 0.0, LossAggregations.drGrpo(2)));
  }

  /** The Challenger role (one action token per task) at {@code seed}. */
  public FactRoles.FactChallenger challenger(long seed) {
    return FactRoles.challenger(world, new FactTaskCodec(world), seed);
  }

  /** The Reasoner role (one constrained answer token). */
  public dev.spice.core.Reasoner reasoner() {
    return FactRoles.reasoner(world);
  }

  /**
   * An engine builder with everything but the run folder and listeners set: policy, corpus,
   * roles, recipe, batch size, seed and one-token sampling for both roles. The Challenger is also
   * registered as a listener (it keeps its action statistics).
   */
  public SelfPlay.Builder engine(DjlPolicy policy, Corpus corpus, FactRoles.FactChallenger challenger, Recipe recipe) {
    return SelfPlay.builder()
        .policy(policy)
        .corpus(corpus)
        .challenger(challenger)
        .reasoner(reasoner())
        .recipe(recipe)
        .batchSize(settings.batchSize())
        .seed(QuickstartSeeds.training(settings.seed()))
        .challengerSampling(CHALLENGER_SAMPLING)
        .reasonerSampling(REASONER_SAMPLING)
        .listener(challenger);
  }

  /** The probe: free-form then multiple-choice tasks over uniformly drawn facts. */
  public List<Task> probeTasks() {
    QuickstartSettings s = settings;
    Random rnd = new Random(QuickstartSeeds.probeTasks(s.seed()));
    List<FactWorld.Fact> facts = world.facts();
    List<Task> out = new ArrayList<>();
    for (int i = 0; i < s.probeFree(); i++) {
      out.add(world.render(TaskFormat.FREE_FORM, facts.get(rnd.nextInt(facts.size())), 0));
    }
    for (int i = 0; i < s.probeMcq(); i++) {
      out.add(world.render(TaskFormat.MULTIPLE_CHOICE, facts.get(rnd.nextInt(facts.size())), rnd.nextLong()));
    }
    return out;
  }
}
