package dev.spice.onnx;

import ai.onnxruntime.OnnxTensor;
import java.nio.FloatBuffer;

/** Logits of one forward pass, copied to the heap: {@code [batch, len, vocab]}. */
final class Logits {
  final float[] data;
  final int len;
  final int vocab;

  Logits(OnnxTensor t) {
    long[] shape = t.getInfo().getShape();
    this.len = (int) shape[1];
    this.vocab = (int) shape[2];
    FloatBuffer fb = t.getFloatBuffer();
    this.data = new float[fb.remaining()];
    fb.get(data);
  }

  /** Offset of the last position of row {@code b}. */
  int offset(int b) {
    return ((b + 1) * len - 1) * vocab;
  }

  /** Offset of position {@code pos} of a row whose unpadded length is {@code rowLen}. */
  int offsetAt(int b, int pos, int rowLen) {
    return (b * len + (len - rowLen) + pos) * vocab;
  }
}
