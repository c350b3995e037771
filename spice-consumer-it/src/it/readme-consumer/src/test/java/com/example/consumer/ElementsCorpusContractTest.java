package com.example.consumer;

import dev.spice.core.CorpusSource;
import dev.spice.core.testing.CorpusSourceContract;
import dev.spice.corpus.Corpora;

/**
 * An implementer's use of spice-core's test-jar (the README's {@code test-jar} dependency): the
 * {@link CorpusSourceContract} run on the bundled elements corpus, read from the installed
 * spice-corpus jar.
 */
class ElementsCorpusContractTest extends CorpusSourceContract {
  @Override
  protected CorpusSource createSource(long seed) {
    return Corpora.elements(seed);
  }
}
