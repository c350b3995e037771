package dev.spice.corpus.seeds;

import dev.spice.core.AnswerType;
import dev.spice.corpus.seeds.ClozeExtractor.Draft;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Chooses up to three distractors per item from the answers of the same side (rules in {@link ClozeTasks}). */
final class Distractors {
  /** Below this size (or when many answers are excluded) a tier is shuffled whole. */
  private static final int SMALL = 64;

  private final Map<String, List<String>> byContext;
  private final Map<AnswerType, List<String>> byType;
  private final Map<String, Set<String>> answersByQuestion;
  private final long seed;

  private Distractors(List<Draft> drafts, long seed) {
    this.seed = seed;
    Map<String, List<String>> ctx = new HashMap<>();
    Map<AnswerType, List<String>> type = new EnumMap<>(AnswerType.class);
    answersByQuestion = new HashMap<>();
    for (Draft d : drafts) {
      ctx.computeIfAbsent(contextKey(d), k -> new ArrayList<>()).add(d.answer());
      type.computeIfAbsent(d.answerType(), k -> new ArrayList<>()).add(d.answer());
      answersByQuestion.computeIfAbsent(d.question(), k -> new HashSet<>()).add(ClozeExtractor.lower(d.answer()));
    }
    byContext = new HashMap<>();
    ctx.forEach((k, v) -> byContext.put(k, canonical(v)));
    byType = new EnumMap<>(AnswerType.class);
    type.forEach((k, v) -> byType.put(k, canonical(v)));
  }

  /** The items of one side: each draft with distractors drawn from the answers of {@code drafts}. */
  static List<ClozeItem> attach(List<Draft> drafts, long seed) {
    Distractors pool = new Distractors(drafts, seed);
    List<ClozeItem> out = new ArrayList<>(drafts.size());
    for (Draft d : drafts) {
      out.add(d.withDistractors(pool.choose(d)));
    }
    return List.copyOf(out);
  }

  private List<String> choose(Draft d) {
    SplittableRandom rng = new SplittableRandom(itemSeed(seed, d.question(), d.answer()));
    Set<String> excluded = answersByQuestion.get(d.question());
    List<String> chosen = new ArrayList<>(3);
    Set<String> chosenLower = new HashSet<>();
    pick(byContext.getOrDefault(contextKey(d), List.of()), excluded, chosen, chosenLower, rng);
    pick(byType.getOrDefault(d.answerType(), List.of()), excluded, chosen, chosenLower, rng);
    return chosen;
  }

  /** Adds random members of {@code tier} (skipping excluded and chosen ones) until three are chosen. */
  private static void pick(
      List<String> tier, Set<String> excluded, List<String> chosen, Set<String> chosenLower, SplittableRandom rng) {
    if (chosen.size() == 3 || tier.isEmpty()) {
      return;
    }
    if (tier.size() <= SMALL || 2 * (excluded.size() + chosen.size()) > tier.size()) {
      List<String> open = new ArrayList<>();
      for (String a : tier) {
        String l = ClozeExtractor.lower(a);
        if (!excluded.contains(l) && !chosenLower.contains(l)) {
          open.add(a);
        }
      }
      SeededShuffle.shuffle(open, rng);
      for (int i = 0; i < open.size() && chosen.size() < 3; i++) {
        chosen.add(open.get(i));
        chosenLower.add(ClozeExtractor.lower(open.get(i)));
      }
      return;
    }
    // At least half of the tier is open, so rejection sampling ends quickly.
    while (chosen.size() < 3) {
      String a = tier.get(rng.nextInt(tier.size()));
      String l = ClozeExtractor.lower(a);
      if (!excluded.contains(l) && chosenLower.add(l)) {
        chosen.add(a);
      }
    }
  }

  /** Items share a context tier when they share the context word and the answer type. */
  private static String contextKey(Draft d) {
    return d.answerType().name() + ' ' + d.contextWord();
  }

  /**
   * Answers distinct ignoring case, in a canonical order that does not depend on the input order:
   * sorted by lower-case form; of spellings equal ignoring case, the smallest is kept.
   */
  private static List<String> canonical(List<String> answers) {
    TreeMap<String, String> byLower = new TreeMap<>();
    for (String a : answers) {
      byLower.merge(ClozeExtractor.lower(a), a, (x, y) -> x.compareTo(y) <= 0 ? x : y);
    }
    return List.copyOf(byLower.values());
  }

  /** A generator seed from the split seed, question and answer (FNV-1a, then a SplitMix64 finaliser). */
  static long itemSeed(long seed, String question, String answer) {
    long h = 0xcbf29ce484222325L;
    String s = question + '\u0000' + answer;
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return mix(h ^ mix(seed));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
