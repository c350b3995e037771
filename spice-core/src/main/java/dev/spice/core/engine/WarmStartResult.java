package dev.spice.core.engine;

import dev.spice.core.UpdateStats;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one completed {@link WarmStart} step.
 *
 * @param step the step (0-based)
 * @param metrics its metrics, names in {@link WarmStartMetricNames}
 * @param documents one entry per document read, in sampling order (skipped ones included)
 * @param demonstrations the indices, into the list given to
 *     {@link WarmStart.Builder#demonstrations}, of the demonstrations trained in this step, in batch
 *     order (after the documents' windows); empty without demonstrations
 * @param update what the supervised update did ({@link UpdateStats#empty()} if the step had no
 *     sample)
 */
public record WarmStartResult(long step, Metrics metrics, List<DocumentWindow> documents, List<Integer> demonstrations,
    UpdateStats update) {
  /**
   * Copies.
   *
   * @param step the step (0-based)
   * @param metrics its metrics, names in {@link WarmStartMetricNames}
   * @param documents one entry per document read, in sampling order (skipped ones included)
   * @param demonstrations the indices, into the list given to
   *     {@link WarmStart.Builder#demonstrations}, of the demonstrations trained in this step, in batch
   *     order (after the documents' windows); empty without demonstrations
   * @param update what the supervised update did ({@link UpdateStats#empty()} if the step had no
   *     sample)
   */
  public WarmStartResult {
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(update, "update");
    documents = List.copyOf(documents);
    demonstrations = List.copyOf(demonstrations);
  }

  /**
   * A result without demonstrations.
   *
   * @param step the step (0-based)
   * @param metrics its metrics, names in {@link WarmStartMetricNames}
   * @param documents one entry per document read, in sampling order (skipped ones included)
   * @param update what the supervised update did ({@link UpdateStats#empty()} if the step had no
   */
  public WarmStartResult(long step, Metrics metrics, List<DocumentWindow> documents, UpdateStats update) {
    this(step, metrics, documents, List.of(), update);
  }

  /**
   * Number of documents skipped because they had fewer than 2 tokens.
   *
   * @return number of documents skipped because they had fewer than 2 tokens
   */
  public int skippedDocuments() {
    return (int) documents.stream().filter(DocumentWindow::skipped).count();
  }

  /**
   * Which tokens of one document were trained: the window {@code [offset, offset + length)} of its
   * token ids (from {@code policy.tokenize(text)}).
   *
   * @param documentId the document's id
   * @param documentTokens the document's token count
   * @param offset index of the window's first token (0 when skipped)
   * @param length tokens in the window; 0 when the document was skipped
   */
  public record DocumentWindow(String documentId, int documentTokens, int offset, int length) {
    /**
     * Validates.
     *
     * @param documentId the document's id
     * @param documentTokens the document's token count
     * @param offset index of the window's first token (0 when skipped)
     * @param length tokens in the window; 0 when the document was skipped
     */
    public DocumentWindow {
      Objects.requireNonNull(documentId, "documentId");
      if (documentTokens < 0 || offset < 0 || length < 0 || offset + length > documentTokens) {
        throw new IllegalArgumentException("window [" + offset + ", " + (offset + length) + ") does not fit a document of "
            + documentTokens + " tokens");
      }
    }

    /**
     * Whether the document was skipped (fewer than 2 tokens): nothing of it was trained.
     *
     * @return whether the document was skipped (fewer than 2 tokens): nothing of it was trained
     */
    public boolean skipped() {
      return length == 0;
    }

    /**
     * Whether only part of the document fit in the window.
     *
     * @return whether only part of the document fit in the window
     */
    public boolean cut() {
      return length > 0 && length < documentTokens;
    }
  }
}
