// Dequantising matrix-vector and small-batch matrix products: one warp per weight row, the row streamed
// once with 128-bit (or, for Q8_0's 34-byte blocks, 32-bit) loads, every token of the batch (<= MAXB)
// accumulated from the same registers, fp32 accumulate, warp-shuffle reduction.
#pragma once
#include "rr_common.cuh"

#define RR_MM_THREADS 256
#define RR_MM_ROWS_PER_BLOCK (RR_MM_THREADS / 32)

__device__ __forceinline__ float rr_dot4(float4 a, float b0, float b1, float b2, float b3) {
    return a.x * b0 + a.y * b1 + a.z * b2 + a.w * b3;
}

__device__ __forceinline__ float rr_dot_i8x4(float4 a, uint32_t q) {
    return a.x * (float) (int8_t) (q) + a.y * (float) (int8_t) (q >> 8)
         + a.z * (float) (int8_t) (q >> 16) + a.w * (float) (int8_t) (q >> 24);
}

// Scalar path for shapes the vector paths do not cover (cols not a multiple of the vector width).
template <int T, int MAXB>
__device__ __forceinline__ void rr_dot_scalar(const uint8_t* row, const float* scaleRow, int cols,
                                              const float* x, long long ldx, int batch, float (&acc)[MAXB], int lane) {
    for (int i = lane; i < cols; i += 32) {
        float w = rr_dequant_elem<T>(row, scaleRow, i);
#pragma unroll
        for (int b = 0; b < MAXB; b++)
            if (b < batch) acc[b] += w * __ldg(x + b * ldx + i);
    }
}

template <int MAXB>
__device__ __forceinline__ void rr_dot_f32(const uint8_t* row, int cols, const float* x, long long ldx, int batch,
                                           float (&acc)[MAXB], int lane) {
    const float4* r4 = (const float4*) row;
    int n4 = cols >> 2;
    for (int c = lane; c < n4; c += 32) {
        float4 w = __ldcs(r4 + c);
#pragma unroll
        for (int b = 0; b < MAXB; b++)
            if (b < batch) {
                float4 xv = __ldg((const float4*) (x + b * ldx) + c);
                acc[b] += rr_dot4(w, xv.x, xv.y, xv.z, xv.w);
            }
    }
}

// F16 and BF16: 8 values per 128-bit load.
template <int T, int MAXB>
__device__ __forceinline__ void rr_dot_16bit(const uint8_t* row, int cols, const float* x, long long ldx, int batch,
                                             float (&acc)[MAXB], int lane) {
    const uint4* r8 = (const uint4*) row;
    int n8 = cols >> 3;
    for (int c = lane; c < n8; c += 32) {
        uint4 v = __ldcs(r8 + c);
        uint32_t u[4] = {v.x, v.y, v.z, v.w};
        float w[8];
#pragma unroll
        for (int k = 0; k < 4; k++) {
            if (T == RR_BF16) {
                w[2 * k] = __uint_as_float(u[k] << 16);
                w[2 * k + 1] = __uint_as_float(u[k] & 0xffff0000u);
            } else {
                w[2 * k] = rr_half_bits(u[k]);
                w[2 * k + 1] = rr_half_bits(u[k] >> 16);
            }
        }
#pragma unroll
        for (int b = 0; b < MAXB; b++)
            if (b < batch) {
                const float4* xv = (const float4*) (x + b * ldx) + 2 * c;
                float4 a = __ldg(xv), bb = __ldg(xv + 1);
                acc[b] += rr_dot4(a, w[0], w[1], w[2], w[3]) + rr_dot4(bb, w[4], w[5], w[6], w[7]);
            }
    }
}

// Q8_0, pairs of blocks: 68 bytes = 17 aligned words per lane (rows of an even block count are 4-byte aligned).
template <int MAXB>
__device__ __forceinline__ void rr_dot_q8_0_pairs(const uint8_t* row, int cols, const float* x, long long ldx, int batch,
                                                  float (&acc)[MAXB], int lane) {
    const uint32_t* rw = (const uint32_t*) row;
    int np = cols >> 6;
    for (int p = lane; p < np; p += 32) {
        uint32_t w[17];
#pragma unroll
        for (int i = 0; i < 17; i++) w[i] = __ldcs((const unsigned int*) rw + p * 17 + i);
        float d0 = rr_half_bits(w[0]);
        float d1 = rr_half_bits(w[8] >> 16);
        uint32_t q0[8];
#pragma unroll
        for (int g = 0; g < 8; g++) q0[g] = __byte_perm(w[g], w[g + 1], 0x5432);  // block 0's qs start at byte 2
#pragma unroll
        for (int b = 0; b < MAXB; b++)
            if (b < batch) {
                const float4* xv = (const float4*) (x + b * ldx + (long long) p * 64);
                float s0 = 0.f, s1 = 0.f;
#pragma unroll
                for (int g = 0; g < 8; g++) s0 += rr_dot_i8x4(__ldg(xv + g), q0[g]);
#pragma unroll
                for (int g = 0; g < 8; g++) s1 += rr_dot_i8x4(__ldg(xv + 8 + g), w[9 + g]);  // block 1's qs: word aligned
                acc[b] += d0 * s0 + d1 * s1;
            }
    }
}

// Q4_K: four lanes per 256-value super-block; lane j takes sub-blocks 2j (low nibbles) and 2j+1 (high nibbles).
template <int MAXB>
__device__ __forceinline__ void rr_dot_q4_k(const uint8_t* row, int cols, const float* x, long long ldx, int batch,
                                            float (&acc)[MAXB], int lane) {
    int nb = cols >> 8;
    int j = lane & 3;
    for (int blk = lane >> 2; blk < nb; blk += 8) {
        const uint8_t* bp = row + (long long) blk * 144;
        uint4 h = __ldcs((const uint4*) bp);                   // d, dmin, scales[12]
        uint4 qa = __ldcs((const uint4*) (bp + 16 + 32 * j));  // qs[32j .. 32j+16)
        uint4 qb = __ldcs((const uint4*) (bp + 32 + 32 * j));  // qs[32j+16 .. 32j+32)
        float d = rr_half_bits(h.x), dmin = rr_half_bits(h.x >> 16);
        uint8_t sc[12];
        uint32_t sw[3] = {h.y, h.z, h.w};
#pragma unroll
        for (int k = 0; k < 12; k++) sc[k] = (uint8_t) (sw[k >> 2] >> (8 * (k & 3)));
        int s0, m0, s1, m1;
        rr_q4k_scale_min(2 * j, sc, s0, m0);
        rr_q4k_scale_min(2 * j + 1, sc, s1, m1);
        float dl = d * s0, ml = dmin * m0, dh = d * s1, mh = dmin * m1;
        uint32_t q[8] = {qa.x, qa.y, qa.z, qa.w, qb.x, qb.y, qb.z, qb.w};
#pragma unroll
        for (int b = 0; b < MAXB; b++)
            if (b < batch) {
                const float4* xl = (const float4*) (x + b * ldx + (long long) blk * 256 + 64 * j);
                float sl = 0.f, sh = 0.f, xsl = 0.f, xsh = 0.f;
#pragma unroll
                for (int g = 0; g < 8; g++) {
                    float4 a = __ldg(xl + g), c = __ldg(xl + 8 + g);
                    uint32_t v = q[g];
                    sl += rr_dot4(a, (float) (v & 0xF), (float) ((v >> 8) & 0xF), (float) ((v >> 16) & 0xF), (float) ((v >> 24) & 0xF));
                    sh += rr_dot4(c, (float) ((v >> 4) & 0xF), (float) ((v >> 12) & 0xF), (float) ((v >> 20) & 0xF), (float) (v >> 28));
                    xsl += a.x + a.y + a.z + a.w;
                    xsh += c.x + c.y + c.z + c.w;
                }
                acc[b] += dl * sl - ml * xsl + dh * sh - mh * xsh;
            }
    }
}

__device__ __forceinline__ uint2 rr_ld_8bytes_u16(const uint8_t* p) {
    return make_uint2(rr_ld_u16(p) | (rr_ld_u16(p + 2) << 16), rr_ld_u16(p + 4) | (rr_ld_u16(p + 6) << 16));
}

// Q6_K: eight lanes per 210-byte super-block (only 2-byte aligned); lane (n, lq) takes half n, positions 8lq..8lq+8
// of each of its four 32-value quarters.
template <int MAXB>
__device__ __forceinline__ void rr_dot_q6_k(const uint8_t* row, int cols, const float* x, long long ldx, int batch,
                                            float (&acc)[MAXB], int lane) {
    int nb = cols >> 8;
    int sub = lane & 7, n = sub >> 2, lq = sub & 3;
    for (int blk = lane >> 3; blk < nb; blk += 4) {
        const uint8_t* bp = row + (long long) blk * 210;
        uint2 qla = rr_ld_8bytes_u16(bp + 64 * n + 8 * lq);
        uint2 qlb = rr_ld_8bytes_u16(bp + 64 * n + 32 + 8 * lq);
        uint2 qhv = rr_ld_8bytes_u16(bp + 128 + 32 * n + 8 * lq);
        const int8_t* scp = (const int8_t*) (bp + 192 + 8 * n + (lq >> 1));
        float d = rr_half_bits(rr_ld_u16(bp + 208));
        float s0 = d * __ldg(scp), s1 = d * __ldg(scp + 2), s2 = d * __ldg(scp + 4), s3 = d * __ldg(scp + 6);
        float q1[8], q2[8], q3[8], q4[8];
#pragma unroll
        for (int i = 0; i < 8; i++) {
            uint32_t a = ((i < 4 ? qla.x : qla.y) >> (8 * (i & 3))) & 0xFF;
            uint32_t bq = ((i < 4 ? qlb.x : qlb.y) >> (8 * (i & 3))) & 0xFF;
            uint32_t hb = ((i < 4 ? qhv.x : qhv.y) >> (8 * (i & 3))) & 0xFF;
            q1[i] = (float) ((int) ((a & 0xF) | ((hb & 3) << 4)) - 32);
            q2[i] = (float) ((int) ((bq & 0xF) | (((hb >> 2) & 3) << 4)) - 32);
            q3[i] = (float) ((int) ((a >> 4) | (((hb >> 4) & 3) << 4)) - 32);
            q4[i] = (float) ((int) ((bq >> 4) | (((hb >> 6) & 3) << 4)) - 32);
        }
#pragma unroll
        for (int b = 0; b < MAXB; b++)
            if (b < batch) {
                const float* xb = x + b * ldx + (long long) blk * 256 + 128 * n + 8 * lq;
                float t[4] = {0.f, 0.f, 0.f, 0.f};
#pragma unroll
                for (int r = 0; r < 4; r++) {
                    const float4* xv = (const float4*) (xb + 32 * r);
                    float4 a = __ldg(xv), c = __ldg(xv + 1);
                    const float* qq = r == 0 ? q1 : r == 1 ? q2 : r == 2 ? q3 : q4;
                    t[r] = rr_dot4(a, qq[0], qq[1], qq[2], qq[3]) + rr_dot4(c, qq[4], qq[5], qq[6], qq[7]);
                }
                acc[b] += s0 * t[0] + s1 * t[1] + s2 * t[2] + s3 * t[3];
            }
    }
}

// FP8 E4M3 with a float scale per 128x128 block: 16 values per 128-bit load, all inside one scale block.
template <int MAXB>
__device__ __forceinline__ void rr_dot_fp8(const uint8_t* row, const float* scaleRow, int cols, const float* x,
                                           long long ldx, int batch, float (&acc)[MAXB], int lane) {
    const uint4* r16 = (const uint4*) row;
    int n16 = cols >> 4;
    for (int c = lane; c < n16; c += 32) {
        uint4 v = __ldcs(r16 + c);
        float s = __ldg(scaleRow + (c >> 3));
        uint32_t u[4] = {v.x, v.y, v.z, v.w};
        float w[16];
#pragma unroll
        for (int k = 0; k < 4; k++) {
            float2 lo = rr_fp8x2_bits(u[k]), hi = rr_fp8x2_bits(u[k] >> 16);
            w[4 * k] = lo.x; w[4 * k + 1] = lo.y; w[4 * k + 2] = hi.x; w[4 * k + 3] = hi.y;
        }
#pragma unroll
        for (int b = 0; b < MAXB; b++)
            if (b < batch) {
                const float4* xv = (const float4*) (x + b * ldx) + 4 * c;
                float part = 0.f;
#pragma unroll
                for (int k = 0; k < 4; k++) part += rr_dot4(__ldg(xv + k), w[4 * k], w[4 * k + 1], w[4 * k + 2], w[4 * k + 3]);
                acc[b] += s * part;
            }
    }
}

// acc[b] += row . x_b for b < batch; the caller reduces over the warp.
template <int T, int MAXB>
__device__ __forceinline__ void rr_dot_row(const uint8_t* row, const float* scaleRow, int cols, const float* x,
                                           long long ldx, int batch, float (&acc)[MAXB], int lane) {
    if (T == RR_F32 && (cols & 3) == 0) rr_dot_f32<MAXB>(row, cols, x, ldx, batch, acc, lane);
    else if ((T == RR_F16 || T == RR_BF16) && (cols & 7) == 0) rr_dot_16bit<T, MAXB>(row, cols, x, ldx, batch, acc, lane);
    else if (T == RR_Q8_0 && (cols & 63) == 0) rr_dot_q8_0_pairs<MAXB>(row, cols, x, ldx, batch, acc, lane);
    else if (T == RR_Q4_K) rr_dot_q4_k<MAXB>(row, cols, x, ldx, batch, acc, lane);
    else if (T == RR_Q6_K) rr_dot_q6_k<MAXB>(row, cols, x, ldx, batch, acc, lane);
    else if (T == RR_FP8 && (cols & 15) == 0) rr_dot_fp8<MAXB>(row, scaleRow, cols, x, ldx, batch, acc, lane);
    else rr_dot_scalar<T, MAXB>(row, scaleRow, cols, x, ldx, batch, acc, lane);
}

__device__ __forceinline__ const float* rr_scale_row(const float* scales, int row, int cols) {
    return scales == nullptr ? nullptr : scales + (long long) (row >> 7) * ((cols + 127) >> 7);
}

__device__ __forceinline__ float rr_silu(float g) { return g / (1.f + expf(-g)); }

// Y[g][b][row] (+)= W[g][row] . X[g][b] for every group g = blockIdx.y (a group is a head of a per-head
// absorption product, or the whole matrix when there is one group).
template <int T, int MAXB>
__device__ __forceinline__ void rr_matmul_body(const uint8_t* W, const float* scales, const float* X, float* Y,
                                               int rows, int cols, int batch, long long ldx, long long ldy,
                                               long long wGroupStride, long long sGroupStride, long long xGroupStride,
                                               long long yGroupStride, int accumulate) {
    int lane = threadIdx.x & 31;
    int row = blockIdx.x * RR_MM_ROWS_PER_BLOCK + (threadIdx.x >> 5);
    if (row >= rows) return;
    long long g = blockIdx.y;
    const uint8_t* w = W + g * wGroupStride + (long long) row * rr_row_bytes(T, cols);
    const float* s = rr_scale_row(scales == nullptr ? nullptr : scales + g * sGroupStride, row, cols);
    float acc[MAXB];
#pragma unroll
    for (int b = 0; b < MAXB; b++) acc[b] = 0.f;
    rr_dot_row<T, MAXB>(w, s, cols, X + g * xGroupStride, ldx, batch, acc, lane);
#pragma unroll
    for (int b = 0; b < MAXB; b++) acc[b] = rr_warp_sum(acc[b]);
#pragma unroll
    for (int b = 0; b < MAXB; b++)
        if (b < batch && lane == b) {
            float* y = Y + g * yGroupStride + b * ldy + row;
            *y = accumulate ? *y + acc[b] : acc[b];
        }
}

// Dense FFN front half, batch <= MAXB: H[b][row] = silu(Wg[row] . x_b) * (Wu[row] . x_b).
template <int T, int MAXB>
__device__ __forceinline__ void rr_ffn_gate_up_body(const uint8_t* Wg, const uint8_t* Wu, const float* Sg, const float* Su,
                                                    const float* X, float* H, int rows, int cols, int batch,
                                                    long long ldx, long long ldh) {
    int lane = threadIdx.x & 31;
    int row = blockIdx.x * RR_MM_ROWS_PER_BLOCK + (threadIdx.x >> 5);
    if (row >= rows) return;
    long long rb = rr_row_bytes(T, cols);
    float ag[MAXB], au[MAXB];
#pragma unroll
    for (int b = 0; b < MAXB; b++) { ag[b] = 0.f; au[b] = 0.f; }
    rr_dot_row<T, MAXB>(Wg + row * rb, rr_scale_row(Sg, row, cols), cols, X, ldx, batch, ag, lane);
    rr_dot_row<T, MAXB>(Wu + row * rb, rr_scale_row(Su, row, cols), cols, X, ldx, batch, au, lane);
#pragma unroll
    for (int b = 0; b < MAXB; b++) { ag[b] = rr_warp_sum(ag[b]); au[b] = rr_warp_sum(au[b]); }
#pragma unroll
    for (int b = 0; b < MAXB; b++)
        if (b < batch && lane == b) H[b * ldh + row] = rr_silu(ag[b]) * au[b];
}

// Routed experts, front half: for token b = blockIdx.z and slot = blockIdx.y, e = experts[b*k + slot]:
// H[b*k + slot][row] = silu(Wg[e][row] . x_b) * (Wu[e][row] . x_b). Only the selected experts' rows are read.
template <int T>
__device__ __forceinline__ void rr_moe_gate_up_body(const uint8_t* Wg, const uint8_t* Wu, const float* Sg, const float* Su,
                                                    const float* X, float* H, const int* experts, int k, int rows, int cols,
                                                    long long wExpertStride, long long sExpertStride, long long ldx, long long ldh) {
    int lane = threadIdx.x & 31;
    int row = blockIdx.x * RR_MM_ROWS_PER_BLOCK + (threadIdx.x >> 5);
    if (row >= rows) return;
    int b = blockIdx.z, slot = blockIdx.y;
    long long e = __ldg(experts + b * k + slot);
    long long rb = rr_row_bytes(T, cols);
    float ag[1] = {0.f}, au[1] = {0.f};
    const float* sg = Sg == nullptr ? nullptr : rr_scale_row(Sg + e * sExpertStride, row, cols);
    const float* su = Su == nullptr ? nullptr : rr_scale_row(Su + e * sExpertStride, row, cols);
    rr_dot_row<T, 1>(Wg + e * wExpertStride + row * rb, sg, cols, X + b * ldx, 0, 1, ag, lane);
    rr_dot_row<T, 1>(Wu + e * wExpertStride + row * rb, su, cols, X + b * ldx, 0, 1, au, lane);
    float g = rr_warp_sum(ag[0]), u = rr_warp_sum(au[0]);
    if (lane == 0) H[(long long) (b * k + slot) * ldh + row] = rr_silu(g) * u;
}

// Routed experts, back half with the weighted sum fused: Y[b][row] (+)= sum_slot w[b*k+slot] * (Wd[e][row] . H[b*k+slot]).
template <int T>
__device__ __forceinline__ void rr_moe_down_body(const uint8_t* Wd, const float* Sd, const float* H, float* Y,
                                                 const int* experts, const float* weights, int k, int rows, int cols,
                                                 long long wExpertStride, long long sExpertStride, long long ldh,
                                                 long long ldy, int accumulate) {
    int lane = threadIdx.x & 31;
    int row = blockIdx.x * RR_MM_ROWS_PER_BLOCK + (threadIdx.x >> 5);
    if (row >= rows) return;
    int b = blockIdx.z;
    long long rb = rr_row_bytes(T, cols);
    float total = 0.f;
    for (int slot = 0; slot < k; slot++) {
        long long e = __ldg(experts + b * k + slot);
        float a[1] = {0.f};
        const float* sd = Sd == nullptr ? nullptr : rr_scale_row(Sd + e * sExpertStride, row, cols);
        rr_dot_row<T, 1>(Wd + e * wExpertStride + row * rb, sd, cols, H + (long long) (b * k + slot) * ldh, 0, 1, a, lane);
        total += __ldg(weights + b * k + slot) * a[0];
    }
    total = rr_warp_sum(total);
    if (lane == 0) {
        float* y = Y + b * ldy + row;
        *y = accumulate ? *y + total : total;
    }
}

// Embedding rows: Y[t][i] = dequant(E[ids[t]])[i].
template <int T>
__device__ __forceinline__ void rr_embed_body(const uint8_t* E, const float* scales, const int* ids, float* Y,
                                              int cols, long long ldy) {
    int t = blockIdx.x;
    int id = __ldg(ids + t);
    const uint8_t* row = E + (long long) id * rr_row_bytes(T, cols);
    const float* s = rr_scale_row(scales, id, cols);
    for (int i = threadIdx.x; i < cols; i += blockDim.x) Y[t * ldy + i] = rr_dequant_elem<T>(row, s, i);
}
