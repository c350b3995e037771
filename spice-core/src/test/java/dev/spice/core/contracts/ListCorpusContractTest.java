package dev.spice.core.contracts;

import dev.spice.core.CorpusSource;
import dev.spice.core.Document;
import dev.spice.core.testing.CorpusSourceContract;
import dev.spice.core.testing.ListCorpus;
import java.util.ArrayList;
import java.util.List;

class ListCorpusContractTest extends CorpusSourceContract {
  @Override
  protected CorpusSource createSource(long seed) {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      docs.add(Document.of("d" + i, "text " + i, "list"));
    }
    return new ListCorpus("list", docs, seed);
  }
}
