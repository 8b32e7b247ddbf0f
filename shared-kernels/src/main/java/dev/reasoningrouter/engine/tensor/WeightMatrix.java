package dev.reasoningrouter.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A 2-D weight matrix of {@code rows} x {@code cols} stored row-major in its file encoding, read in place
 * (usually from a memory-mapped model file). Row {@code r} holds the weights that produce output {@code r};
 * {@code cols} is the input dimension, ggml's {@code ne[0]}.
 *
 * @param name         the tensor name, for errors and reports
 * @param data         the bytes of row 0 of this view onwards
 * @param scales       FP8 only: the float32 {@code weight_scale_inv} tensor, 128x128 blocks, else null
 * @param scaleRowBase FP8 only: the row of the full tensor that row 0 of this view is (views over row ranges)
 */
public record WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data,
                           MemorySegment scales, int scaleRowBase) {

    public static final int FP8_BLOCK = 128;

    public WeightMatrix {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': row length " + cols
                    + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        long need = (long) rows * type.bytesFor(cols);
        if (data.byteSize() < need) {
            throw new IllegalArgumentException("tensor '" + name + "': " + data.byteSize() + " bytes of data, expected "
                    + need + " for " + rows + "x" + cols + " " + type);
        }
        if (type == GgmlType.FP8_E4M3_B128 && scales == null) {
            throw new IllegalArgumentException("tensor '" + name + "': FP8 weights need their weight_scale_inv tensor");
        }
    }

    public static WeightMatrix of(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        return new WeightMatrix(name, type, rows, cols, data, null, 0);
    }

    /** An F32 matrix over a heap array (tests, small derived tensors). */
    public static WeightMatrix ofFloats(String name, int rows, int cols, float[] values) {
        return of(name, GgmlType.F32, rows, cols, MemorySegment.ofArray(values));
    }

    public long rowBytes() {
        return type.bytesFor(cols);
    }

    public long byteSize() {
        return rows * rowBytes();
    }

    public long elementCount() {
        return (long) rows * cols;
    }

    /** Rows {@code [start, start + count)} as a matrix of their own (no copy). */
    public WeightMatrix rowRange(int start, int count) {
        if (start < 0 || count < 0 || start + count > rows) {
            throw new IndexOutOfBoundsException("rows [" + start + "," + (start + count) + ") of '" + name + "' with " + rows + " rows");
        }
        return new WeightMatrix(name, type, count, cols, data.asSlice(start * rowBytes(), count * rowBytes()),
                scales, scaleRowBase + start);
    }

    /** FP8: the scale of the block holding (row, col) of this view. */
    public float fp8Scale(int row, int col) {
        int scaleCols = (cols + FP8_BLOCK - 1) / FP8_BLOCK;
        long idx = (long) ((scaleRowBase + row) / FP8_BLOCK) * scaleCols + col / FP8_BLOCK;
        return scales.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, idx);
    }
}
