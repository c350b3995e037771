package dev.spice.remote;

import dev.spice.core.internal.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** Text to token ids and back: through the server's /tokenize and /detokenize, or locally. */
interface Tokenization {
  /**
   * Token ids of a text.
   *
   * @param addSpecialTokens whether the tokenizer adds its special tokens (a beginning-of-sequence
   *     token); a local tokenizer ignores it
   */
  int[] encode(String text, boolean addSpecialTokens);

  String decode(int[] ids);

  /** vLLM's {@code POST /tokenize} and {@code POST /detokenize} (SGLang serves the same shapes). */
  final class Server implements Tokenization {
    private final HttpTransport http;
    private final String model;

    Server(HttpTransport http, String model) {
      this.http = http;
      this.model = model;
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
      Map<String, Object> req = new LinkedHashMap<>();
      req.put("model", model);
      req.put("prompt", text);
      req.put("add_special_tokens", addSpecialTokens);
      HttpTransport.Reply r = http.post("/tokenize", Json.write(req));
      JsonReader j = new JsonReader(r.url(), r.status());
      Map<String, Object> o = j.parseObject(r.body());
      // vLLM: "tokens" holds the ids; some proxies put ids in "token_ids" and strings in "tokens"
      Object ids = o.get("tokens");
      int[] out;
      if (ids instanceof java.util.List<?> l && (l.isEmpty() || l.get(0) instanceof Number)) {
        out = j.tokenIds(ids, "tokens");
      } else if (o.containsKey("token_ids")) {
        out = j.tokenIds(j.required(o, "token_ids", ""), "token_ids");
      } else {
        out = j.tokenIds(j.required(o, "tokens", ""), "tokens");
      }
      if (o.get("count") instanceof Long count && count != out.length) {
        throw j.error("'count' is " + count + " but 'tokens' holds " + out.length + " ids");
      }
      return out;
    }

    @Override
    public String decode(int[] ids) {
      Map<String, Object> req = new LinkedHashMap<>();
      req.put("model", model);
      req.put("tokens", ids);
      HttpTransport.Reply r = http.post("/detokenize", Json.write(req));
      JsonReader j = new JsonReader(r.url(), r.status());
      Map<String, Object> o = j.parseObject(r.body());
      // vLLM answers {"prompt": text}; SGLang {"text": text}
      if (!o.containsKey("prompt") && o.containsKey("text")) {
        return j.string(o.get("text"), "text");
      }
      return j.string(j.required(o, "prompt", ""), "prompt");
    }
  }

  /** A tokenizer in this JVM (the same vocabulary as the served model, which the user vouches for). */
  final class Local implements Tokenization {
    private final Function<String, int[]> encoder;
    private final Function<int[], String> decoder;

    Local(Function<String, int[]> encoder, Function<int[], String> decoder) {
      this.encoder = Objects.requireNonNull(encoder, "encoder");
      this.decoder = Objects.requireNonNull(decoder, "decoder");
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
      int[] ids = encoder.apply(text);
      if (ids == null) {
        throw new dev.spice.core.SpiceException.BackendException("the local tokenizer returned null for a text of " + text.length()
            + " characters");
      }
      return ids.clone();
    }

    @Override
    public String decode(int[] ids) {
      String s = decoder.apply(ids.clone());
      if (s == null) {
        throw new dev.spice.core.SpiceException.BackendException("the local tokenizer decoded " + ids.length + " ids to null");
      }
      return s;
    }
  }
}
