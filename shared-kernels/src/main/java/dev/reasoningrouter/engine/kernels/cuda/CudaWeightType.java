package dev.reasoningrouter.engine.kernels.cuda;

import dev.reasoningrouter.engine.tensor.GgmlType;
import java.util.Optional;

/**
 * Weight layouts the CUDA kernels read, byte for byte as llama.cpp/ggml stores them (F32, F16, BF16, Q8_0,
 * Q4_K, Q6_K) plus DeepSeek-V3's FP8 E4M3 with a float32 {@code weight_scale_inv} per 128x128 block.
 * {@link #code()} is the number the kernels use (rr_common.cuh).
 */
public enum CudaWeightType {
    F32(0, "f32", 1, 4),
    F16(1, "f16", 1, 2),
    BF16(2, "bf16", 1, 2),
    /** 32 values per block: fp16 scale d, then 32 int8; w = d * q. */
    Q8_0(3, "q8_0", 32, 34),
    /** 256 values per super-block: fp16 d, fp16 dmin, 12 bytes of packed 6-bit scales/mins, 128 bytes of nibbles. */
    Q4_K(4, "q4_k", 256, 144),
    /** 256 values per super-block: 128 bytes low nibbles, 64 bytes high 2-bit pairs, 16 int8 scales, fp16 d. */
    Q6_K(5, "q6_k", 256, 210),
    /** One E4M3 byte per value; scales are a separate float32 [ceil(rows/128)][ceil(cols/128)] tensor. */
    FP8_E4M3(6, "fp8", 1, 1);

    /** Side of the square blocks that share one FP8 scale. */
    public static final int FP8_SCALE_BLOCK = 128;

    private final int code;
    private final String suffix;
    private final int blockValues;
    private final int blockBytes;

    CudaWeightType(int code, String suffix, int blockValues, int blockBytes) {
        this.code = code;
        this.suffix = suffix;
        this.blockValues = blockValues;
        this.blockBytes = blockBytes;
    }

    public int code() { return code; }

    /** The kernels' form of a model file's weight type; empty for types no kernel reads (Q4_0, Q5_0). */
    public static Optional<CudaWeightType> of(GgmlType t) {
        return Optional.ofNullable(switch (t) {
            case F32 -> F32;
            case F16 -> F16;
            case BF16 -> BF16;
            case Q8_0 -> Q8_0;
            case Q4_K -> Q4_K;
            case Q6_K -> Q6_K;
            case FP8_E4M3_B128 -> FP8_E4M3;
            case Q4_0, Q5_0 -> null;
        });
    }

    /** The kernel-name suffix, e.g. {@code rr_matmul_q4_k_b1}. */
    public String suffix() { return suffix; }

    public int blockValues() { return blockValues; }

    public int blockBytes() { return blockBytes; }

    public boolean hasBlockScales() { return this == FP8_E4M3; }

    /** Bytes of one row of {@code cols} values; refuses a column count the block size does not divide. */
    public long rowBytes(int cols) {
        checkCols(cols);
        return (long) cols / blockValues * blockBytes;
    }

    public void checkCols(int cols) {
        if (cols <= 0 || cols % blockValues != 0) {
            throw new IllegalArgumentException(this + " rows need a positive multiple of " + blockValues
                    + " values, got cols=" + cols);
        }
    }

    /** Float32 scales of one FP8 matrix ([ceil(rows/128)][ceil(cols/128)]); 0 for other types. */
    public long scaleCount(int rows, int cols) {
        if (!hasBlockScales()) return 0;
        return (long) ceilDiv(rows, FP8_SCALE_BLOCK) * ceilDiv(cols, FP8_SCALE_BLOCK);
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }
}
