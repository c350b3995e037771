package dev.spice.examples;

import dev.spice.core.Challenger;
import dev.spice.core.ChallengerAttempt;
import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.Reasoner;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.roles.Roles;
import dev.spice.core.text.PromptTemplate;
import dev.spice.corpus.Factbook;
import dev.spice.djl.DjlPolicy;
import dev.spice.rewards.verify.AnswerExtractors;
import dev.spice.rewards.verify.Verifiers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/**
 * Example: a Hugging Face checkpoint (Llama / Qwen family) on a GPU, playing both roles once: the
 * Challenger writes tasks about a Factbook document, the Reasoner answers them without it, and the
 * answers are verified.
 *
 * <pre>
 * java ... dev.spice.examples.HuggingFaceGpuExample /models/Qwen3-0.6B-Base [gpu|cpu|auto]
 * </pre>
 *
 * <p>Without an argument, or when no GPU is usable (none visible, or a CPU-only PyTorch build) and
 * no other device was asked for, it prints what is missing and exits with status 0. A GPU needs
 * a CUDA build of PyTorch for DJL: replace {@code ai.djl.pytorch:pytorch-native-cpu} by the
 * matching {@code pytorch-native-cu*} artifact, or point {@code PYTORCH_LIBRARY_PATH} at a local
 * libtorch with CUDA.
 */
public final class HuggingFaceGpuExample {
  private HuggingFaceGpuExample() {}

  /** Runs the example; see the class comment for the arguments. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    if (args.length == 0) {
      System.out.println("Usage: HuggingFaceGpuExample CHECKPOINT_DIR [gpu|cpu|auto]");
      System.out.println("No checkpoint given: nothing to do. A checkpoint directory holds config.json, "
          + "model.safetensors (or shards) and tokenizer.json.");
      return 0;
    }
    Path dir = Path.of(args[0]);
    String device = args.length > 1 ? args[1] : "gpu";
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      System.out.println(dir + " is not a Hugging Face checkpoint directory (no config.json).");
      return 2;
    }
    int gpus = usableGpus();
    if (device.startsWith("gpu") && gpus == 0) {
      System.out.println("No usable GPU: " + (visibleGpus() == 0 ? "none is visible"
          : visibleGpus() + " visible, but this PyTorch build has no CUDA support")
          + ". Run with 'cpu' as the second argument, or add a CUDA build of PyTorch for DJL (see the class comment).");
      return 0;
    }
    long t0 = System.nanoTime();
    try (DjlPolicy policy = DjlPolicy.builder().pretrained(dir).device(device).template(PromptTemplate.PLAIN)
        .build()) {
      System.out.printf("loaded %s (%,d parameters) on %s in %.1f s%n", policy.name(), policy.parameterCount(),
          device, (System.nanoTime() - t0) / 1e9);
      Document doc = Factbook.documents().get(0);
      Challenger challenger = Roles.jsonChallenger();
      Reasoner reasoner = Roles.reasoner(AnswerExtractors.defaults());
      Prompt cp = challenger.prompt(doc);
      List<Completion> tasks = policy.generate(Collections.nCopies(4, cp), new SamplingParams(1.0, 1.0, 0, 384,
          List.of(), 1));
      int valid = 0;
      for (Completion c : tasks) {
        ChallengerAttempt a = challenger.parse(doc, cp, c);
        if (!a.isValid()) {
          System.out.println("invalid task: " + a.invalidReason());
          continue;
        }
        valid++;
        Prompt rp = reasoner.prompt(a.task());
        List<Completion> answers = policy.generate(Collections.nCopies(4, rp), new SamplingParams(1.0, 1.0, 0, 512,
            List.of(), 2));
        int correct = 0;
        for (Completion ans : answers) {
          ReasonerAttempt ra = reasoner.parse(a.task(), rp, ans);
          correct += ra.answer() != null && Verifiers.defaults().verify(ra.answer(), a.task().goldAnswer(),
              a.task().answerType()) ? 1 : 0;
        }
        System.out.printf("task: %s%n  gold %s, Reasoner pass rate %d/4%n", a.task().question(),
            a.task().goldAnswer(), correct);
      }
      System.out.printf("%d of %d Challenger attempts were valid tasks (document: %s)%n", valid, tasks.size(),
          doc.id());
      return 0;
    } catch (SpiceException e) {
      System.out.println("failed: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      // DJL engine errors (for example a CUDA mismatch) are not SpiceExceptions
      System.out.println("failed on device " + device + ": " + e
          + (device.startsWith("gpu") ? " (is the PyTorch build for DJL a CUDA build matching the driver?)" : ""));
      return 1;
    }
  }

  /** GPUs PyTorch can use (0 with a CPU-only build). */
  static int usableGpus() {
    try {
      return ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount();
    } catch (RuntimeException | LinkageError e) {
      return 0;
    }
  }

  /** GPUs the CUDA driver reports, whatever the PyTorch build. */
  static int visibleGpus() {
    try {
      return ai.djl.util.cuda.CudaUtils.getGpuCount();
    } catch (RuntimeException | LinkageError e) {
      return 0;
    }
  }
}
