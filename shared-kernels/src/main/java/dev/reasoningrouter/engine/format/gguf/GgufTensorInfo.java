package dev.reasoningrouter.engine.format.gguf;

import dev.reasoningrouter.engine.tensor.GgmlType;

/**
 * A tensor's entry in the GGUF header. {@code shape} is ggml's ne[] (ne[0] = row length, fastest varying).
 *
 * @param offset byte offset of the data, relative to the start of the data section
 */
public record GgufTensorInfo(String name, long[] shape, GgmlType type, long offset) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public long byteSize() {
        return type.bytesFor(elementCount());
    }

    public String shapeString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return b.append(']').toString();
    }
}
