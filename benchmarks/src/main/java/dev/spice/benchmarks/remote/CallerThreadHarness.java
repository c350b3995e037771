package dev.spice.benchmarks.remote;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.djl.DjlPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Does generation speed depend on the thread that calls the policy? One {@code DjlPolicy} (the
 * 10M model of {@link BenchModel}, one intra-op thread) generates the same batch, same seed, from
 * the main thread, from one reused worker thread (as {@code spice serve}'s policy thread) and from
 * a new thread each time, round after round. Run it with and without {@code MALLOC_ARENA_MAX=1}
 * in the environment (benchmarks/README.md, "Rollouts over HTTP"): glibc gives each thread its own
 * malloc arena, and PyTorch's CPU tensors are plain mallocs.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp benchmarks/target/benchmarks.jar \
 *   dev.spice.benchmarks.remote.CallerThreadHarness [batch=16] [rounds=5] [model=10M]
 * </pre>
 */
public final class CallerThreadHarness {
  private CallerThreadHarness() {}

  /**
   * Entry point.
   *
   * @param args optional batch size, rounds and model size ({@code quickstart} or {@code 10M})
   * @throws Exception when generation fails
   */
  public static void main(String[] args) throws Exception {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String size = args.length > 2 ? args[2] : "10M";
    Path root = Files.createTempDirectory("caller-thread");
    BenchModel model = BenchModel.create(size, root, 1);
    System.out.printf(Locale.ROOT, "model %s, B=%d, 32 new tokens, MALLOC_ARENA_MAX=%s%n", size, batch,
        System.getenv().getOrDefault("MALLOC_ARENA_MAX", "(unset)"));
    ExecutorService reused = Executors.newSingleThreadExecutor();
    try (DjlPolicy p = model.load()) {
      List<Prompt> prompts = model.prompts(batch, 16, 42);
      SamplingParams sp = new SamplingParams(1.0, 1.0, 0, 32, List.of(), 7);
      Callable<Double> job = () -> {
        long t = System.nanoTime();
        int n = 0;
        for (Completion c : p.generate(prompts, sp)) {
          n += c.tokens().length;
        }
        return n / ((System.nanoTime() - t) / 1e9);
      };
      for (int r = 0; r < rounds; r++) {
        double main = job.call();
        double worker = reused.submit(job).get();
        ExecutorService fresh = Executors.newSingleThreadExecutor();
        double fr = fresh.submit(job).get();
        fresh.shutdown();
        System.out.printf(Locale.ROOT, "round %d: main thread %.0f tok/s, reused worker %.0f, new thread %.0f%n", r,
            main, worker, fr);
      }
    } finally {
      reused.shutdown();
    }
  }
}
