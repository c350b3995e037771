package dev.spice.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.spice.core.SpiceException;
import dev.spice.core.text.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link DjlPolicy} shares with the adapter policies made from it
 * ({@link DjlPolicy#withAdapter}): the native memory manager holding its model weights (the flat
 * float32 tensor, or the LoRA policy's per-slot {@link BaseWeights}) and its tokenizer. Reference
 * counted: every policy using them holds one reference, and the last one to close frees them
 * (the manager, and the tokenizer when the first policy loaded it itself). The rest of each
 * policy (adapters, optimizer state, constants, KV caches) lives in its own manager.
 */
final class SharedBase {
  private final NDManager manager;
  private final Tokenizer tokenizer;
  private final boolean ownsTokenizer;
  private int users = 1;

  /** One user (the policy being built); {@code manager} holds that policy's weights. */
  SharedBase(NDManager manager, Tokenizer tokenizer, boolean ownsTokenizer) {
    this.manager = manager;
    this.tokenizer = tokenizer;
    this.ownsTokenizer = ownsTokenizer;
  }

  NDManager manager() {
    return manager;
  }

  Tokenizer tokenizer() {
    return tokenizer;
  }

  /** Policies holding a reference (the source and its live adapter policies); 0 once freed. */
  synchronized int users() {
    return users;
  }

  private synchronized void acquire() {
    if (users == 0) {
      throw new SpiceException.BackendException("the shared base weights were freed (every policy using them "
          + "is closed)");
    }
    users++;
  }

  /** Drops one reference; the last one frees the weights' manager and an owned tokenizer. */
  synchronized void release() {
    if (users == 0) {
      return;
    }
    if (--users == 0) {
      manager.close();
      if (ownsTokenizer) {
        tokenizer.close();
      }
    }
  }

  /**
   * {@link DjlPolicy#withAdapter}: a LoRA policy over {@code source}'s weights (its per-slot base,
   * or per-slot views of its flat tensor) with the PEFT adapter in {@code dir}, built with
   * {@code source}'s builder settings. Reads nothing but the adapter; on failure nothing is held.
   */
  static DjlPolicyImpl adapterPolicy(DjlPolicyImpl source, Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new SpiceException.ConfigurationException("LoRA adapter directory " + dir + " does not exist");
    }
    DjlPolicy.Builder b = source.settings().copy();
    b.lora = null;
    b.loraAdapter = dir;
    Model src = source.model;
    LoraFiles.Loaded adapter = LoraFiles.load(dir, src.cfg, b.allowNonFiniteWeights);
    SharedBase shared = source.shared();
    shared.acquire();
    NDManager mgr = NDManager.newBaseManager(src.device(), "PyTorch");
    try {
      // A loaded base is shared as it is; views (of a flat tensor) get handles of this policy's own.
      BaseWeights base = src.base == null ? views(src, mgr) : src.base.isView() ? src.base.viewsIn(mgr) : src.base;
      if (src.base != null) {
        b.baseDtype = src.base.dtype();
      }
      Model model = new Model(src.cfg, mgr, base);
      model.attachLora(new Lora(src.cfg, adapter.settings(), mgr, adapter.weights()));
      return new DjlPolicyImpl(src.cfg, shared, source.template(), model, b);
    } catch (RuntimeException e) {
      mgr.close();
      shared.release();
      throw e;
    }
  }

  /**
   * A float32 per-slot base whose tensors are views of {@code src}'s flat tensor (same storage, no
   * copy), their handles attached to {@code mgr}. Its checksum is computed on each request, since
   * the source's weights are the ones viewed.
   */
  private static BaseWeights views(Model src, NDManager mgr) {
    NDList parts = src.flat.split(src.cuts, 0);
    parts.attach(mgr);
    List<NDArray> out = new ArrayList<>();
    for (int i = 0; i < src.slots.size(); i++) {
      NDArray v = parts.get(i).reshape(new Shape(src.slots.get(i).shape()));
      v.attach(mgr);
      out.add(v);
    }
    return BaseWeights.viewing(src.slots, out.toArray(new NDArray[0]));
  }
}
