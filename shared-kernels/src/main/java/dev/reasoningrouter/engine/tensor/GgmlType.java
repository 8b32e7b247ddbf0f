package dev.reasoningrouter.engine.tensor;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Weight element types, with llama.cpp's ggml type ids and block layouts.
 * {@link #FP8_E4M3_B128} has no ggml id: it is the safetensors FP8 form with 128x128 block scales held apart.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    /** 32 weights: fp16 d, 16 bytes of 4-bit quants (low nibbles = weights 0..15); w = d * (q - 8). */
    Q4_0(2, 32, 18),
    /** 32 weights: fp16 d, 32 high bits, 16 bytes of low nibbles; w = d * (q - 16). llama.cpp's fallback for Q4_K rows. */
    Q5_0(6, 32, 22),
    /** 32 weights: fp16 scale d, then 32 int8 quants; w = d * q. */
    Q8_0(8, 32, 34),
    /** 256 weights: fp16 d, fp16 dmin, 12 bytes of packed 6-bit scales/mins, 128 bytes of 4-bit quants. */
    Q4_K(12, 256, 144),
    /** 256 weights: 128 bytes low 4 bits, 64 bytes high 2 bits, 16 int8 scales, fp16 d. */
    Q6_K(14, 256, 210),
    BF16(30, 1, 2),
    /** One byte per weight (E4M3), scaled per 128x128 block by a separate float32 scale_inv tensor. */
    FP8_E4M3_B128(-1, 1, 1);

    private final int ggmlId;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int ggmlId, int blockSize, int blockBytes) {
        this.ggmlId = ggmlId;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    public int ggmlId() {
        return ggmlId;
    }

    /** Weights per block. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    public boolean quantized() {
        return blockSize > 1;
    }

    /** Bytes taken by {@code n} weights; {@code n} must be a multiple of the block size. */
    public long bytesFor(long n) {
        if (n % blockSize != 0) {
            throw new IllegalArgumentException(this + " needs a multiple of " + blockSize + " weights, got " + n);
        }
        return n / blockSize * blockBytes;
    }

    /** Average bits per weight, e.g. 8.5 for Q8_0. */
    public double bitsPerWeight() {
        return 8.0 * blockBytes / blockSize;
    }

    /** The type with a ggml id, or null when the id is one this engine does not read. */
    public static GgmlType fromGgmlId(int id) {
        for (GgmlType t : values()) {
            if (t.ggmlId == id && id >= 0) {
                return t;
            }
        }
        return null;
    }

    /** Parses a CLI name such as "q8_0" or "bf16". */
    public static GgmlType parse(String name) {
        for (GgmlType t : values()) {
            if (t.name().equalsIgnoreCase(name) || (t == FP8_E4M3_B128 && name.equalsIgnoreCase("fp8"))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown weight type '" + name + "', expected one of "
                + Arrays.stream(values()).map(t -> t.name().toLowerCase()).collect(Collectors.joining(", ")));
    }

    public static String supportedGgmlNames() {
        return Arrays.stream(values()).filter(t -> t.ggmlId >= 0)
                .map(t -> t.name() + "(" + t.ggmlId + ")").collect(Collectors.joining(", "));
    }
}
