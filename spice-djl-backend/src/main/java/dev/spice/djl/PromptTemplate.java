package dev.spice.djl;

/**
 * The DJL backend's former prompt-template type, now an alias of the core one: the constants
 * render exactly what the core constants render, and the policy treats {@link #RAW} and
 * {@link #PLAIN} as it treats the core ones.
 *
 * @deprecated use {@link dev.spice.core.text.PromptTemplate}, which both backends take. This alias
 *     will be removed in the next release.
 */
@Deprecated
@FunctionalInterface
public interface PromptTemplate extends dev.spice.core.text.PromptTemplate {

  /** As {@link dev.spice.core.text.PromptTemplate#RAW}. */
  PromptTemplate RAW = dev.spice.core.text.PromptTemplate.RAW::render;

  /** As {@link dev.spice.core.text.PromptTemplate#PLAIN}. */
  PromptTemplate PLAIN = dev.spice.core.text.PromptTemplate.PLAIN::render;

  /** As {@link dev.spice.core.text.PromptTemplate#CHATML}. */
  PromptTemplate CHATML = dev.spice.core.text.PromptTemplate.CHATML::render;

  /**
   * As {@link dev.spice.core.text.PromptTemplate#chatMl(String)}.
   *
   * @param system the system message
   * @return a ChatML template with that system message
   * @deprecated use {@link dev.spice.core.text.PromptTemplate#chatMl(String)}
   */
  @Deprecated
  static PromptTemplate chatMl(String system) {
    dev.spice.core.text.PromptTemplate t = dev.spice.core.text.PromptTemplate.chatMl(system);
    return t::render;
  }

  /**
   * As {@link dev.spice.core.text.PromptTemplate#named(String)}, returning this type's constants.
   *
   * @param name the template name
   * @return the matching constant
   * @throws dev.spice.core.SpiceException.ConfigurationException naming the valid values
   * @deprecated use {@link dev.spice.core.text.PromptTemplate#named(String)}
   */
  @Deprecated
  static PromptTemplate named(String name) {
    dev.spice.core.text.PromptTemplate t = dev.spice.core.text.PromptTemplate.named(name);
    return t == dev.spice.core.text.PromptTemplate.RAW ? RAW : t == dev.spice.core.text.PromptTemplate.PLAIN ? PLAIN
        : CHATML;
  }
}
