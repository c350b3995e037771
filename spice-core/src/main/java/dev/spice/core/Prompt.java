package dev.spice.core;

import java.util.List;
import java.util.Objects;

/**
 * What a role asks the policy: the role and its message. The backend renders it with its prompt
 * template (ChatML, plain text, ...) and tokenizes it.
 *
 * @param role which role speaks; backends may use it to pick a template or a role token
 * @param text the role's message, before templating
 * @param allowedTokens if not empty, constrained decoding: every generated token must be one of
 *     these strings, each of which must be exactly one token of the backend's vocabulary (stop
 *     tokens stay allowed); log-probabilities are then those of the renormalised distribution
 */
public record Prompt(Role role, String text, List<String> allowedTokens) {
  /**
   * Validates and copies.
   *
   * @param role which role speaks; backends may use it to pick a template or a role token
   * @param text the role's message, before templating
   * @param allowedTokens if not empty, constrained decoding: every generated token must be one of
   *     these strings, each of which must be exactly one token of the backend's vocabulary (stop
   *     tokens stay allowed); log-probabilities are then those of the renormalised distribution
   */
  public Prompt {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(text, "text");
    allowedTokens = allowedTokens == null ? List.of() : List.copyOf(allowedTokens);
  }

  /**
   * An unconstrained prompt.
   *
   * @param role the role
   * @param text the text
   * @return an unconstrained prompt
   */
  public static Prompt of(Role role, String text) {
    return new Prompt(role, text, List.of());
  }
}
