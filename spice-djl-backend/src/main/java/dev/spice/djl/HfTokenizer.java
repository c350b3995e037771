package dev.spice.djl;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.model.TokenizerJson;
import dev.spice.core.text.SpecialTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's tokenizers (Rust) library, for the DJL
 * backend; local files only (never the hub). A {@link dev.spice.core.text.Tokenizer}: encoding adds
 * no special tokens; end-of-sequence and padding tokens are the special (added) tokens with the
 * names in {@link SpecialTokens}, and decoding drops them (other special tokens are kept);
 * {@link #vocabSize()} covers the model's vocabulary and the added tokens.
 *
 * <p>{@link DjlPolicy#savePretrained} copies this tokenizer's file into the checkpoint. Thread-safe;
 * close it to release the native tokenizer (a policy closes only a tokenizer it loaded itself).
 *
 * <p>It also implements the deprecated {@link Tokenizer} only so that {@link Tokenizer#huggingFace}
 * keeps returning it for one release; use it as a {@link dev.spice.core.text.Tokenizer}.
 */
@SuppressWarnings("deprecation")
public final class HfTokenizer implements Tokenizer {
  private final HuggingFaceTokenizer tok;
  private final Path file;
  private final int vocabSize;
  private final int[] eos;
  private final int pad;
  private final Set<Integer> dropOnDecode = new HashSet<>();

  private HfTokenizer(HuggingFaceTokenizer tok, Path file, int vocabSize, int[] eos, int pad) {
    this.tok = tok;
    this.file = file;
    this.vocabSize = vocabSize;
    this.eos = eos;
    this.pad = pad;
    for (int e : eos) {
      dropOnDecode.add(e);
    }
    if (pad >= 0) {
      dropOnDecode.add(pad);
    }
  }

  /**
   * Loads a Hugging Face {@code tokenizer.json}.
   *
   * @param path the {@code tokenizer.json} file, or a directory containing it
   * @return the loaded tokenizer
   * @throws SpiceException.BackendException naming the file if it is missing or invalid
   */
  public static HfTokenizer load(Path path) {
    Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
    // Checked here first: DJL's tokenizers binding reports a non-UTF-8 file as "Input length = 1"
    // and a JSON without model.vocab with a terse serde message.
    TokenizerJson.Info info = TokenizerJson.read(file, SpiceException.BackendException::new);
    HuggingFaceTokenizer t;
    EngineStart.quietGpuProbeIfCpuOnly(); // DJL probes for GPUs when it loads the tokenizers natives
    try {
      t = HuggingFaceTokenizer.newInstance(file, Map.of(
          "addSpecialTokens", "false", "truncation", "false", "padding", "false"));
    } catch (IOException | RuntimeException e) {
      throw new SpiceException.BackendException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
    }
    try {
      TokenizerJson.SpecialIds ids = info.specialIds(s -> single(t, s));
      return new HfTokenizer(t, file, info.vocabSize(), ids.eosIds(), ids.padId());
    } catch (RuntimeException e) {
      t.close(); // the native tokenizer is ours until the constructor takes it
      throw e;
    }
  }

  private static int single(HuggingFaceTokenizer t, String s) {
    long[] ids = t.encode(s, false, false).getIds();
    return ids.length == 1 ? (int) ids[0] : -1;
  }

  @Override
  public int[] encode(String text) {
    try {
      long[] ids = tok.encode(text, false, false).getIds();
      int[] out = new int[ids.length];
      for (int i = 0; i < ids.length; i++) {
        out[i] = (int) ids[i];
      }
      return out;
    } catch (RuntimeException e) {
      throw new SpiceException.BackendException("tokenizer " + file + " cannot encode text: " + e.getMessage(), e);
    }
  }

  @Override
  public String decode(int[] ids) {
    long[] l = new long[ids.length];
    int n = 0;
    for (int id : ids) {
      if (!dropOnDecode.contains(id)) {
        l[n++] = id;
      }
    }
    return tok.decode(java.util.Arrays.copyOf(l, n), false);
  }

  @Override
  public int tokenId(String token) {
    return single(tok, token);
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int[] eosIds() {
    return eos.clone();
  }

  @Override
  public int padId() {
    return pad;
  }

  /**
   * The {@code tokenizer.json} file read.
   *
   * @return the path of the loaded {@code tokenizer.json}
   */
  public Path file() {
    return file;
  }

  @Override
  public void close() {
    tok.close();
  }
}
