package dev.spice.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.model.TokenizerJson;
import dev.spice.core.text.SpecialTokens;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's tokenizers binding, for the ONNX backend;
 * local files only (never downloads). A {@link dev.spice.core.text.Tokenizer}: encoding adds no
 * special tokens, pads nothing and truncates nothing; decoding keeps special tokens (the policy
 * drops a final end-of-sequence token itself). {@link #vocabSize()} covers the model's vocabulary
 * and the added tokens; {@link #eosIds()} and {@link #padId()} are the special (added) tokens with
 * the names in {@link SpecialTokens} (informative: the policy's end-of-sequence ids come from
 * {@code eosTokenIds(...)} or {@code config.json}).
 *
 * <p>Close it to release the native tokenizer (a policy closes only a tokenizer it loaded itself).
 *
 * <p>It also implements the deprecated {@link TokenCodec} only so that {@link TokenCodec#huggingFace}
 * keeps returning it for one release; use it as a {@link dev.spice.core.text.Tokenizer}.
 */
@SuppressWarnings("deprecation")
public final class HfTokenizer implements TokenCodec {
  private final HuggingFaceTokenizer tok;
  private final Path file;
  private final int vocabSize;
  private final int[] eos;
  private final int pad;

  private HfTokenizer(HuggingFaceTokenizer tok, Path file, TokenizerJson.Info info) {
    this.tok = tok;
    this.file = file;
    this.vocabSize = info.vocabSize();
    TokenizerJson.SpecialIds specials = info.specialIds(this::tokenId);
    this.eos = specials.eosIds();
    this.pad = specials.padId();
  }

  /**
   * Loads a Hugging Face {@code tokenizer.json} from a local file.
   *
   * @param tokenizerJson the {@code tokenizer.json} file
   * @return the loaded tokenizer; close it to free native memory
   * @throws SpiceException.ConfigurationException naming the file if it is missing, unreadable, not
   *     UTF-8, not JSON, or lacks {@code model.vocab}
   */
  public static HfTokenizer load(Path tokenizerJson) {
    // Checked here first: the tokenizers binding reports a non-UTF-8 file as "Input length = 1"
    // and a JSON without model.vocab with a terse serde message.
    TokenizerJson.Info info = TokenizerJson.read(tokenizerJson, SpiceException.ConfigurationException::new);
    HuggingFaceTokenizer tok;
    try {
      tok = HuggingFaceTokenizer.builder()
          .optTokenizerPath(tokenizerJson)
          .optAddSpecialTokens(false)
          .optTruncation(false)
          .optPadding(false)
          .build();
    } catch (IOException | RuntimeException e) {
      throw new SpiceException.ConfigurationException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage());
    }
    try {
      return new HfTokenizer(tok, tokenizerJson, info);
    } catch (RuntimeException e) {
      tok.close();
      throw e;
    }
  }

  @Override
  public int[] encode(String text) {
    Encoding enc = tok.encode(text);
    long[] ids = enc.getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  @Override
  public String decode(int[] tokens) {
    long[] ids = new long[tokens.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = tokens[i];
    }
    return tok.decode(ids, false);
  }

  @Override
  public int tokenId(String token) {
    int[] ids = encode(token);
    return ids.length == 1 ? ids[0] : -1;
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
   * @return the file passed to {@link #load(Path)}
   */
  public Path file() {
    return file;
  }

  @Override
  public void close() {
    tok.close();
  }

  @Override
  public String toString() {
    return "HfTokenizer[" + file + "]";
  }
}
