package dev.spice.core.model;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.internal.model.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reading of a Hugging Face {@code config.json} into a {@link TransformerConfig}: the file checks
 * (size, UTF-8, JSON, duplicate fields), the field conversions with their Hugging Face defaults,
 * {@code rope_scaling} / {@code rope_parameters}, and the refusals of unsupported features. See
 * {@link TransformerConfig#read} and {@link TransformerConfig#fromMap}.
 */
final class ConfigJson {

  private ConfigJson() {}

  /** See {@link TransformerConfig#read}. */
  static TransformerConfig read(Path configJson) {
    String text;
    try {
      long size = Files.size(configJson);
      if (size > TransformerConfig.MAX_CONFIG_BYTES) {
        throw new SpiceException.ConfigurationException(configJson + " is " + size + " bytes; a config.json is at most "
            + TransformerConfig.MAX_CONFIG_BYTES + " bytes");
      }
      long[] badAt = new long[1];
      text = SafeTensors.strictUtf8(Files.readAllBytes(configJson), badAt);
      if (text == null) {
        throw new SpiceException.ConfigurationException(configJson + " is not UTF-8 text (invalid byte at offset "
            + badAt[0] + ")");
      }
    } catch (IOException e) {
      throw new SpiceException.ConfigurationException("cannot read " + configJson + ": " + SafeTensors.reason(e));
    }
    Map<String, Object> m;
    try {
      m = Json.parseObject(text);
    } catch (Json.DuplicateKeyException e) {
      if (e.depth() == 0) {
        throw new SpiceException.ConfigurationException(configJson + ": field '" + e.key()
            + "' appears twice (which value is meant is ambiguous) at line " + e.line() + ", column " + e.column());
      }
      throw new SpiceException.ConfigurationException(configJson + " is not valid JSON: " + e.getMessage());
    } catch (Json.JsonException e) {
      throw new SpiceException.ConfigurationException(configJson + " is not valid JSON: " + e.getMessage());
    }
    try {
      return fromMap(m);
    } catch (SpiceException.ConfigurationException e) {
      throw new SpiceException.ConfigurationException(configJson + ": " + e.getMessage());
    }
  }

  /** See {@link TransformerConfig#fromMap}. */
  static TransformerConfig fromMap(Map<String, Object> m) {
    String type = str(m, "model_type", null);
    int hidden = integer(m, "hidden_size", null);
    int heads = integer(m, "num_attention_heads", null);
    int kvHeads = integer(m, "num_key_value_heads", heads);
    Object hd = m.get("head_dim");
    int headDim;
    if (hd == null) {
      if (heads > 0 && hidden % heads != 0) {
        throw new SpiceException.ConfigurationException("field 'hidden_size' (" + hidden
            + ") is not a multiple of 'num_attention_heads' (" + heads + ") and there is no 'head_dim' field");
      }
      headDim = heads > 0 ? hidden / heads : 0;
    } else {
      headDim = integer(m, "head_dim", null);
    }
    boolean qwen2 = "qwen2".equals(type);
    boolean qwen3 = "qwen3".equals(type);
    List<Integer> eos = new ArrayList<>();
    Object e = m.get("eos_token_id");
    if (e instanceof List<?> l) {
      for (Object o : l) {
        eos.add(tokenId("eos_token_id", o, "an integer or a list of integers"));
      }
    } else if (e != null) {
      eos.add(tokenId("eos_token_id", e, "an integer or a list of integers"));
    }
    Object bosValue = m.get("bos_token_id");
    int bos = bosValue == null ? -1 : tokenId("bos_token_id", bosValue, "an integer (or null for none)");
    String act = str(m, "hidden_act", "silu");
    if (!act.equals("silu")) {
      throw new SpiceException.ConfigurationException("field 'hidden_act' is '" + act + "'; only silu is supported");
    }
    if (bool(m, "mlp_bias", false)) {
      throw new SpiceException.ConfigurationException("field 'mlp_bias' is true; MLP biases are not supported");
    }
    if (bool(m, "use_sliding_window", false)) {
      throw new SpiceException.ConfigurationException(
          "field 'use_sliding_window' is true; sliding-window attention is not supported");
    }
    double theta;
    RopeScaling scaling;
    Object rp = m.get("rope_parameters");
    if (rp != null) {
      // transformers 5: rope_theta and the scaling live in one object.
      Map<String, Object> rpm = object(rp, "rope_parameters");
      theta = nestedNumber(rpm, "rope_parameters", "rope_theta", number(m, "rope_theta", 10_000.0));
      if (m.get("rope_theta") != null && number(m, "rope_theta", 0) != theta) {
        throw new SpiceException.ConfigurationException("fields 'rope_theta' (" + m.get("rope_theta")
            + ") and 'rope_parameters.rope_theta' (" + theta + ") disagree");
      }
      scaling = scaling(rpm, "rope_parameters");
      if (m.get("rope_scaling") != null && !scaling.equals(scaling(object(m.get("rope_scaling"), "rope_scaling"),
          "rope_scaling"))) {
        throw new SpiceException.ConfigurationException("fields 'rope_scaling' and 'rope_parameters' disagree");
      }
    } else {
      theta = number(m, "rope_theta", 10_000.0);
      Object rs = m.get("rope_scaling");
      scaling = rs == null ? RopeScaling.NONE : scaling(object(rs, "rope_scaling"), "rope_scaling");
    }
    return new TransformerConfig(
        type,
        integer(m, "vocab_size", null),
        hidden,
        integer(m, "intermediate_size", null),
        integer(m, "num_hidden_layers", null),
        heads,
        kvHeads,
        headDim,
        number(m, "rms_norm_eps", 1e-6),
        theta,
        integer(m, "max_position_embeddings", 2048),
        bool(m, "tie_word_embeddings", false),
        bool(m, "attention_bias", qwen2),
        qwen3,
        bos,
        eos,
        scaling);
  }

  /** A token id of config.json: an integer in [0, 2^31). */
  private static int tokenId(String field, Object v, String what) {
    if (!(v instanceof Long l)) {
      throw new SpiceException.ConfigurationException("field '" + field + "' must be " + what + ", got "
          + (v instanceof String str ? "the string \"" + str + "\"" : String.valueOf(v)));
    }
    if (l < 0 || l > Integer.MAX_VALUE) {
      throw new SpiceException.ConfigurationException("field '" + field + "' holds " + l
          + ", which is not a token id (ids are >= 0 and < vocab_size)");
    }
    return l.intValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object v, String field) {
    if (!(v instanceof Map<?, ?> map)) {
      throw new SpiceException.ConfigurationException("field '" + field + "' must be an object, got " + v);
    }
    return (Map<String, Object>) map;
  }

  private static double nestedNumber(Map<String, Object> m, String where, String k, double dflt) {
    Object v = m.get(k);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n)) {
      throw new SpiceException.ConfigurationException("field '" + where + "." + k + "' must be a number, got " + v);
    }
    return n.doubleValue();
  }

  /** Reads a rope_scaling / rope_parameters object (rope_type, or the older key type). */
  private static RopeScaling scaling(Map<String, Object> m, String where) {
    Object t = m.containsKey("rope_type") ? m.get("rope_type") : m.get("type");
    String type = t == null ? "default" : t.toString();
    try {
      return switch (type) {
        case "default" -> RopeScaling.NONE;
        case "linear" -> RopeScaling.linear(required(m, where, "factor"));
        case "llama3" -> RopeScaling.llama3(
            required(m, where, "factor"), required(m, where, "low_freq_factor"),
            required(m, where, "high_freq_factor"), positiveInt(m, where, "original_max_position_embeddings"));
        default -> new RopeScaling(type, 1, 0, 0, 0);
      };
    } catch (SpiceException.ConfigurationException e) {
      throw new SpiceException.ConfigurationException("field '" + where + "': " + e.getMessage());
    }
  }

  private static int positiveInt(Map<String, Object> m, String where, String k) {
    double v = required(m, where, k);
    if (v != Math.rint(v) || v < 1 || v > Integer.MAX_VALUE) {
      throw new SpiceException.ConfigurationException("field '" + where + "." + k + "' must be a positive integer, got "
          + m.get(k));
    }
    return (int) v;
  }

  private static double required(Map<String, Object> m, String where, String k) {
    if (m.get(k) == null) {
      throw new SpiceException.ConfigurationException("missing field '" + where + "." + k + "'");
    }
    return nestedNumber(m, where, k, Double.NaN);
  }

  private static String str(Map<String, Object> m, String k, String dflt) {
    Object v = m.get(k);
    if (v == null) {
      if (dflt == null) {
        throw new SpiceException.ConfigurationException("missing field '" + k + "'");
      }
      return dflt;
    }
    if (!(v instanceof String s)) {
      throw new SpiceException.ConfigurationException("field '" + k + "' must be a string, got " + v);
    }
    return s;
  }

  private static int integer(Map<String, Object> m, String k, Integer dflt) {
    Object v = m.get(k);
    if (v == null) {
      if (dflt == null) {
        throw new SpiceException.ConfigurationException("missing field '" + k + "'");
      }
      return dflt;
    }
    if (!(v instanceof Long l) || l > Integer.MAX_VALUE || l < Integer.MIN_VALUE) {
      throw new SpiceException.ConfigurationException("field '" + k + "' must be an integer, got " + v);
    }
    return l.intValue();
  }

  private static double number(Map<String, Object> m, String k, double dflt) {
    Object v = m.get(k);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n)) {
      throw new SpiceException.ConfigurationException("field '" + k + "' must be a number, got " + v);
    }
    return n.doubleValue();
  }

  private static boolean bool(Map<String, Object> m, String k, boolean dflt) {
    Object v = m.get(k);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Boolean b)) {
      throw new SpiceException.ConfigurationException("field '" + k + "' must be true or false, got " + v);
    }
    return b;
  }
}
