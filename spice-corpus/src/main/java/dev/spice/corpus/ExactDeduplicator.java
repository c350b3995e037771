package dev.spice.corpus;

import dev.spice.core.Document;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Exact de-duplication by a 64-bit SHA-256 prefix in an open-addressing set. */
final class ExactDeduplicator implements Deduplicator {
  private long[] table = new long[1 << 12];
  private int size;
  private final MessageDigest sha;

  ExactDeduplicator() {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the JDK", e);
    }
  }

  @Override
  public String name() {
    return "duplicate";
  }

  @Override
  public boolean firstSeen(Document document) {
    byte[] d = sha.digest(document.text().getBytes(StandardCharsets.UTF_8));
    long h = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (d[i] & 0xff);
    }
    if (h == 0) {
      h = 1; // 0 marks an empty slot
    }
    if (contains(table, h)) {
      return false;
    }
    if ((size + 1) * 2 > table.length) {
      long[] old = table;
      table = new long[old.length * 2];
      for (long v : old) {
        if (v != 0) {
          insert(table, v);
        }
      }
    }
    insert(table, h);
    size++;
    return true;
  }

  private static boolean contains(long[] t, long h) {
    int mask = t.length - 1;
    for (int i = (int) Shuffle.mix(h) & mask; ; i = (i + 1) & mask) {
      if (t[i] == 0) {
        return false;
      }
      if (t[i] == h) {
        return true;
      }
    }
  }

  private static void insert(long[] t, long h) {
    int mask = t.length - 1;
    int i = (int) Shuffle.mix(h) & mask;
    while (t[i] != 0) {
      i = (i + 1) & mask;
    }
    t[i] = h;
  }
}

