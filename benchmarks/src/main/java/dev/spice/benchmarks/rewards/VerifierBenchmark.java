package dev.spice.benchmarks.rewards;

import dev.spice.core.AnswerType;
import dev.spice.rewards.verify.AnswerVerifier;
import dev.spice.rewards.verify.Verifiers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Verifier throughput in checks per second on fixed mixed sets of (predicted, gold) pairs, about
 * half equivalent and half not, per answer type. Each invocation checks every pair of its set once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class VerifierBenchmark {
  private static final String[][] NUMBERS = {
    {"42", "42"}, {"1,000", "1000"}, {"1000.0", "1000"}, {"+7", "7"}, {"3/4", "0.75"},
    {"\\frac{3}{4}", "0.75"}, {"50%", "0.5"}, {"1.5e3", "1500"}, {"$12.50", "12.5"}, {"42 apples", "42"},
    {"41", "42"}, {"0.33", "1/3"}, {"-5", "5"}, {"1,000", "100"}, {"2.5", "2.05"}, {"x = 17", "18"}};
  private static final String[][] EXPRESSIONS = {
    {"x+1", "1+x"}, {"(x+1)^2", "x^2+2x+1"}, {"\\frac{x}{2}", "x/2"}, {"\\sqrt{12}", "2\\sqrt{3}"},
    {"\\sin^2 x + \\cos^2 x", "1"}, {"(1, 2)", "(1,2)"}, {"y = 2x+1", "2x+1"}, {"\\{1,2,3\\}", "\\{3,2,1\\}"},
    {"x+1", "x-1"}, {"x^2", "2^x"}, {"\\frac{x^2-1}{x-1}", "x-1"}, {"(1, 2)", "[1, 2]"},
    {"\\pi r^2", "2\\pi r"}, {"e^{x}", "x^e"}, {"2\\sqrt{2}", "\\sqrt{6}"}, {"a(b+c)", "ab+c"}};
  private static final String[][] STRINGS = {
    {"Paris", "paris"}, {"The Eiffel Tower", "eiffel tower"}, {"New-York", "New York"}, {"U.S.A.", "USA"},
    {"Paris", "London"}, {"apple", "apples"}, {"carbon dioxide", "carbon monoxide"}, {"Mars", "Marsh"}};
  private static final String[][] CHOICES = {
    {"B", "B"}, {"(B)", "B"}, {"\\text{(C)}", "C"}, {"Answer: D", "D"}, {"A", "B"}, {"(C)", "D"}};

  private final AnswerVerifier verifier = Verifiers.defaults();

  private int run(String[][] pairs, AnswerType type, Blackhole bh) {
    int n = 0;
    for (String[] p : pairs) {
      boolean ok = verifier.verify(p[0], p[1], type);
      bh.consume(ok);
      n += ok ? 1 : 0;
    }
    return n;
  }

  /** Numbers: 16 checks per invocation. */
  @Benchmark
  @OperationsPerInvocation(16)
  public int numbers(Blackhole bh) {
    return run(NUMBERS, AnswerType.INTEGER, bh);
  }

  /** Expressions: 16 checks per invocation. */
  @Benchmark
  @OperationsPerInvocation(16)
  public int expressions(Blackhole bh) {
    return run(EXPRESSIONS, AnswerType.EXPRESSION, bh);
  }

  /** Strings: 8 checks per invocation. */
  @Benchmark
  @OperationsPerInvocation(8)
  public int strings(Blackhole bh) {
    return run(STRINGS, AnswerType.STRING, bh);
  }

  /** Multiple-choice letters: 6 checks per invocation. */
  @Benchmark
  @OperationsPerInvocation(6)
  public int choices(Blackhole bh) {
    return run(CHOICES, AnswerType.CHOICE, bh);
  }
}
