// Reasoning Router CUDA kernels. Compiled to PTX by build-ptx.sh; loaded by CudaModule with cuModuleLoadData.
// Every entry point is extern "C" so that its PTX name is the plain name CudaKernels looks up.
#include "rr_common.cuh"
#include "rr_matmul.cuh"
#include "rr_layers.cuh"
#include "rr_sampling.cuh"

#define RR_MM_ARGS const uint8_t* W, const float* scales, const float* X, float* Y, int rows, int cols, int batch, \
    long long ldx, long long ldy, long long wGroupStride, long long sGroupStride, long long xGroupStride, \
    long long yGroupStride, int accumulate
#define RR_MM_PASS W, scales, X, Y, rows, cols, batch, ldx, ldy, wGroupStride, sGroupStride, xGroupStride, yGroupStride, accumulate

#define RR_FFN_ARGS const uint8_t* Wg, const uint8_t* Wu, const float* Sg, const float* Su, const float* X, float* H, \
    int rows, int cols, int batch, long long ldx, long long ldh
#define RR_FFN_PASS Wg, Wu, Sg, Su, X, H, rows, cols, batch, ldx, ldh

#define RR_MOE_UP_ARGS const uint8_t* Wg, const uint8_t* Wu, const float* Sg, const float* Su, const float* X, float* H, \
    const int* experts, int k, int rows, int cols, long long wExpertStride, long long sExpertStride, long long ldx, long long ldh
#define RR_MOE_UP_PASS Wg, Wu, Sg, Su, X, H, experts, k, rows, cols, wExpertStride, sExpertStride, ldx, ldh

#define RR_MOE_DOWN_ARGS const uint8_t* Wd, const float* Sd, const float* H, float* Y, const int* experts, \
    const float* weights, int k, int rows, int cols, long long wExpertStride, long long sExpertStride, long long ldh, \
    long long ldy, int accumulate
#define RR_MOE_DOWN_PASS Wd, Sd, H, Y, experts, weights, k, rows, cols, wExpertStride, sExpertStride, ldh, ldy, accumulate

#define RR_BATCHED(name, T, B) \
    extern "C" __global__ void __launch_bounds__(RR_MM_THREADS) rr_matmul_##name##_b##B(RR_MM_ARGS) { \
        rr_matmul_body<T, B>(RR_MM_PASS); } \
    extern "C" __global__ void __launch_bounds__(RR_MM_THREADS) rr_ffn_gate_up_##name##_b##B(RR_FFN_ARGS) { \
        rr_ffn_gate_up_body<T, B>(RR_FFN_PASS); }

#define RR_TYPE(name, T) \
    RR_BATCHED(name, T, 1) RR_BATCHED(name, T, 2) RR_BATCHED(name, T, 4) RR_BATCHED(name, T, 8) \
    extern "C" __global__ void __launch_bounds__(RR_MM_THREADS) rr_moe_gate_up_##name(RR_MOE_UP_ARGS) { \
        rr_moe_gate_up_body<T>(RR_MOE_UP_PASS); } \
    extern "C" __global__ void __launch_bounds__(RR_MM_THREADS) rr_moe_down_##name(RR_MOE_DOWN_ARGS) { \
        rr_moe_down_body<T>(RR_MOE_DOWN_PASS); } \
    extern "C" __global__ void rr_embed_##name(const uint8_t* E, const float* scales, const int* ids, float* Y, int cols, \
                                              long long ldy) { rr_embed_body<T>(E, scales, ids, Y, cols, ldy); }

RR_TYPE(f32, RR_F32)
RR_TYPE(f16, RR_F16)
RR_TYPE(bf16, RR_BF16)
RR_TYPE(q8_0, RR_Q8_0)
RR_TYPE(q4_k, RR_Q4_K)
RR_TYPE(q6_k, RR_Q6_K)
RR_TYPE(fp8, RR_FP8)

extern "C" __global__ void rr_rmsnorm(const float* X, long long ldx, const float* w, float* Y, long long ldy, int n, float eps) {
    rr_rmsnorm_body(X, ldx, w, Y, ldy, n, eps);
}

extern "C" __global__ void rr_rope_yarn(float* X, long long ldTok, long long ldHead, int nRot, const int* positions,
                                        float freqBase, float freqScale, float extFactor, float attnFactor,
                                        float corrLow, float corrHigh) {
    rr_rope_body(X, ldTok, ldHead, nRot, positions, freqBase, freqScale, extFactor, attnFactor, corrLow, corrHigh);
}

extern "C" __global__ void __launch_bounds__(RR_MLA_THREADS) rr_mla_decode_partial(
        const float* qLat, long long ldqLat, const float* qPe, long long ldqPe, const float* cache, long long ldCache,
        int nKv, int kvRank, int ropeDim, float scale, int tokensPerSplit, float* partOut, float* partMax, float* partSum) {
    rr_mla_partial_body(qLat, ldqLat, qPe, ldqPe, cache, ldCache, nKv, kvRank, ropeDim, scale, tokensPerSplit,
                        partOut, partMax, partSum);
}

extern "C" __global__ void rr_mla_decode_reduce(const float* partOut, const float* partMax, const float* partSum,
                                                int nSplits, int kvRank, float* out, long long ldOut) {
    rr_mla_reduce_body(partOut, partMax, partSum, nSplits, kvRank, out, ldOut);
}

extern "C" __global__ void rr_moe_gate(const float* logits, long long ldl, const float* bias, int nExperts, int sigmoidScoring,
                                       int nGroups, int topkGroups, int groupTop2Sum, int k, int normTopk, float routeScale,
                                       int* outExperts, float* outWeights) {
    rr_moe_gate_body(logits, ldl, bias, nExperts, sigmoidScoring, nGroups, topkGroups, groupTop2Sum, k, normTopk,
                     routeScale, outExperts, outWeights);
}

extern "C" __global__ void __launch_bounds__(RR_SAMPLE_THREADS) rr_argmax(const float* logits, long long ld, int n,
                                                                          int* outIds, float* outLogprob) {
    rr_argmax_body(logits, ld, n, outIds, outLogprob);
}

extern "C" __global__ void __launch_bounds__(RR_SAMPLE_THREADS) rr_sample_top_p(
        const float* logits, long long ld, int n, const float* temperatures, const float* topPs, const float* uniforms,
        int* outIds, float* outLogprob) {
    rr_sample_top_p_body(logits, ld, n, temperatures, topPs, uniforms, outIds, outLogprob);
}

// y[i] (+)= a * x[i]: residual adds where no producing kernel can fuse them.
extern "C" __global__ void rr_axpy(float* y, const float* x, float a, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x)
        y[i] += a * x[i];
}

extern "C" __global__ void rr_fill_f32(float* p, long long n, float v) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x)
        p[i] = v;
}

extern "C" __global__ void rr_fill_random_u32(uint32_t* w, long long nWords, uint32_t seed) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < nWords; i += (long long) gridDim.x * blockDim.x)
        w[i] = rr_hash((uint64_t) i, seed);
}

// Makes random bytes a valid tensor of `type`: small finite floats, fixed small block scales (d = dmin = 2^-10).
extern "C" __global__ void rr_sanitize_weights(uint8_t* W, long long nBytes, int type) {
    long long stride = (long long) gridDim.x * blockDim.x;
    long long i0 = blockIdx.x * (long long) blockDim.x + threadIdx.x;
    uint32_t* w32 = (uint32_t*) W;
    if (type == RR_F32 || type == RR_F16 || type == RR_BF16 || type == RR_FP8) {
        uint32_t mask = type == RR_F32 ? 0xBFFFFFFFu : (type == RR_FP8 ? 0xBFBFBFBFu : 0xBFFFBFFFu);
        for (long long i = i0; i < nBytes / 4; i += stride) w32[i] &= mask;
        return;
    }
    int blockBytes = type == RR_Q8_0 ? 34 : (type == RR_Q4_K ? 144 : 210);
    int dOffset = type == RR_Q6_K ? 208 : 0;
    for (long long b = i0; b < nBytes / blockBytes; b += stride) {
        uint8_t* p = W + b * blockBytes + dOffset;
        p[0] = 0x00; p[1] = 0x14;  // fp16 0x1400 = 2^-10
        if (type == RR_Q4_K) { p[2] = 0x00; p[3] = 0x14; }
    }
}
