// RMSNorm, rotary embedding with YaRN, absorbed-MLA decode attention (flash-decoding split + reduce), MoE gating.
#pragma once
#include "rr_common.cuh"

// One block per row: Y = X * rsqrt(mean(X^2) + eps) * w. In place is fine (each thread re-reads only its own values).
__device__ __forceinline__ void rr_rmsnorm_body(const float* X, long long ldx, const float* w, float* Y, long long ldy,
                                                int n, float eps) {
    __shared__ float scratch[32];
    const float* x = X + blockIdx.x * ldx;
    float* y = Y + blockIdx.x * ldy;
    float ss = 0.f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) { float v = x[i]; ss += v * v; }
    ss = rr_block_sum(ss, scratch);
    float inv = rsqrtf(ss / n + eps);
    for (int i = threadIdx.x; i < n; i += blockDim.x) y[i] = x[i] * inv * __ldg(w + i);
}

// llama.cpp's rope_yarn_ramp.
__device__ __forceinline__ float rr_yarn_ramp(float low, float high, int i0) {
    float y = (i0 / 2 - low) / fmaxf(0.001f, high - low);
    return 1.0f - fminf(1.0f, fmaxf(0.0f, y));
}

// Rotary embedding in place over adjacent pairs (x[2i], x[2i+1]) ("normal" mode, as llama.cpp runs deepseek2),
// with YaRN: theta = pos * base^(-2i/nRot), interpolated by freqScale outside the [corrLow, corrHigh] ramp, and
// the magnitude scaled by attnFactor * (1 + 0.1 ln(1/freqScale)) when extFactor != 0 (ggml's rope_yarn).
// grid (tokens, heads), block nRot/2 threads (<= 1024). X points at the first rotary value of token 0, head 0.
__device__ __forceinline__ void rr_rope_body(float* X, long long ldTok, long long ldHead, int nRot, const int* positions,
                                             float freqBase, float freqScale, float extFactor, float attnFactor,
                                             float corrLow, float corrHigh) {
    int i = threadIdx.x;
    if (2 * i >= nRot) return;
    int t = blockIdx.x, h = blockIdx.y;
    float pos = (float) __ldg(positions + t);
    float thetaExtrap = pos * powf(freqBase, -2.0f * i / nRot);
    float thetaInterp = freqScale * thetaExtrap;
    float theta = thetaInterp;
    float mscale = attnFactor;
    if (extFactor != 0.0f) {
        float rampMix = rr_yarn_ramp(corrLow, corrHigh, 2 * i) * extFactor;
        theta = thetaInterp * (1 - rampMix) + thetaExtrap * rampMix;
        mscale *= 1.0f + 0.1f * logf(1.0f / freqScale);
    }
    float s, c;
    sincosf(theta, &s, &c);
    c *= mscale;
    s *= mscale;
    float* p = X + t * ldTok + h * ldHead + 2 * i;
    float x0 = p[0], x1 = p[1];
    p[0] = x0 * c - x1 * s;
    p[1] = x0 * s + x1 * c;
}

#define RR_MLA_THREADS 256
#define RR_MLA_TILE 64
#define RR_MLA_MAX_PER_THREAD 4  // kvRank <= 1024

// Absorbed MLA decode, one (head, split) per block. The cache holds per token [latent (kvRank) | rotary key
// (ropeDim)]; the query is [qLat (kvRank, already multiplied by W_UK) | qPe (ropeDim, rotated)].
// score_t = scale * (qLat . c_t + qPe . kpe_t); the split writes its running max, sum of exp, and the
// unnormalised sum of p_t * c_t over the latent (flash-decoding partials; rr_mla_decode_reduce combines them).
// Dynamic shared memory: (kvRank + ropeDim + RR_MLA_TILE) floats.
__device__ __forceinline__ void rr_mla_partial_body(const float* qLat, long long ldqLat, const float* qPe, long long ldqPe,
                                                    const float* cache, long long ldCache, int nKv, int kvRank, int ropeDim,
                                                    float scale, int tokensPerSplit, float* partOut, float* partMax,
                                                    float* partSum) {
    RR_DYNAMIC_SHARED(float, rr_mla_smem);
    int h = blockIdx.x, split = blockIdx.y, nSplits = gridDim.y;
    int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5, nWarps = blockDim.x >> 5;
    int dim = kvRank + ropeDim;
    float* q = rr_mla_smem;
    float* p = rr_mla_smem + dim;
    for (int i = tid; i < dim; i += blockDim.x) q[i] = i < kvRank ? qLat[h * ldqLat + i] : qPe[h * ldqPe + i - kvRank];
    __syncthreads();
    int t0 = split * tokensPerSplit;
    int t1 = min(nKv, t0 + tokensPerSplit);
    float m = -INFINITY, l = 0.f;
    float acc[RR_MLA_MAX_PER_THREAD];
#pragma unroll
    for (int k = 0; k < RR_MLA_MAX_PER_THREAD; k++) acc[k] = 0.f;
    for (int tile = t0; tile < t1; tile += RR_MLA_TILE) {
        int nt = min(RR_MLA_TILE, t1 - tile);
        for (int tt = warp; tt < nt; tt += nWarps) {
            const float* c = cache + (long long) (tile + tt) * ldCache;
            float s = 0.f;
            for (int i = lane; i < dim; i += 32) s += q[i] * c[i];
            s = rr_warp_sum(s);
            if (lane == 0) p[tt] = s * scale;
        }
        __syncthreads();
        float tmax = -INFINITY;
        for (int tt = 0; tt < nt; tt++) tmax = fmaxf(tmax, p[tt]);
        float mNew = fmaxf(m, tmax);
        __syncthreads();
        if (tid < nt) p[tid] = expf(p[tid] - mNew);
        __syncthreads();
        float corr = expf(m - mNew);  // 0 on the first tile (m = -inf)
        l *= corr;
#pragma unroll
        for (int k = 0; k < RR_MLA_MAX_PER_THREAD; k++) acc[k] *= corr;
        for (int tt = 0; tt < nt; tt++) {
            float pt = p[tt];
            l += pt;
            const float* c = cache + (long long) (tile + tt) * ldCache;
#pragma unroll
            for (int k = 0; k < RR_MLA_MAX_PER_THREAD; k++) {
                int d = tid + k * RR_MLA_THREADS;
                if (d < kvRank) acc[k] += pt * c[d];
            }
        }
        m = mNew;
        __syncthreads();
    }
    long long base = ((long long) h * nSplits + split) * kvRank;
#pragma unroll
    for (int k = 0; k < RR_MLA_MAX_PER_THREAD; k++) {
        int d = tid + k * RR_MLA_THREADS;
        if (d < kvRank) partOut[base + d] = acc[k];
    }
    if (tid == 0) {
        partMax[h * nSplits + split] = m;
        partSum[h * nSplits + split] = l;
    }
}

// One block per head: out[h] = sum_s exp(m_s - M) * part_s / sum_s exp(m_s - M) * l_s.
__device__ __forceinline__ void rr_mla_reduce_body(const float* partOut, const float* partMax, const float* partSum,
                                                   int nSplits, int kvRank, float* out, long long ldOut) {
    int h = blockIdx.x;
    float M = -INFINITY;
    for (int s = 0; s < nSplits; s++) M = fmaxf(M, partMax[h * nSplits + s]);
    float L = 0.f;
    for (int s = 0; s < nSplits; s++) {
        float ms = partMax[h * nSplits + s];
        if (ms != -INFINITY) L += partSum[h * nSplits + s] * expf(ms - M);
    }
    float invL = 1.0f / L;
    for (int d = threadIdx.x; d < kvRank; d += blockDim.x) {
        float o = 0.f;
        for (int s = 0; s < nSplits; s++) {
            float ms = partMax[h * nSplits + s];
            if (ms != -INFINITY) o += partOut[((long long) h * nSplits + s) * kvRank + d] * expf(ms - M);
        }
        out[h * ldOut + d] = o * invL;
    }
}

#define RR_GATE_MAX_EXPERTS 1024
#define RR_GATE_MAX_GROUPS 64

// Block-wide argmax over v[0..n): ties go to the lower index. Returns the index in every thread.
__device__ __forceinline__ int rr_block_argmax(const float* v, int n, float* sVal, int* sIdx) {
    int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5, nw = blockDim.x >> 5;
    float best = -INFINITY;
    int bi = 0x7fffffff;
    for (int i = tid; i < n; i += blockDim.x) {
        float x = v[i];
        if (x != x) x = -INFINITY;  // NaN never wins, and an index is always found (in bounds)
        if (x > best || (x == best && i < bi)) { best = x; bi = i; }
    }
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        float ob = __shfl_xor_sync(RR_FULL_MASK, best, o);
        int oi = __shfl_xor_sync(RR_FULL_MASK, bi, o);
        if (ob > best || (ob == best && oi < bi)) { best = ob; bi = oi; }
    }
    __syncthreads();
    if (lane == 0) { sVal[warp] = best; sIdx[warp] = bi; }
    __syncthreads();
    if (tid == 0) {
        for (int w = 1; w < nw; w++)
            if (sVal[w] > sVal[0] || (sVal[w] == sVal[0] && sIdx[w] < sIdx[0])) { sVal[0] = sVal[w]; sIdx[0] = sIdx[w]; }
    }
    __syncthreads();
    return sIdx[0];
}

// DeepSeekMoE routing for one token per block: scores = softmax or sigmoid of the router logits; selection
// scores = scores + bias (the bias chooses, it never weighs); with groups, keep the topkGroups groups with the
// best group score (max, or the sum of the top two as DeepSeek-V3 does) and mask the rest; pick the top k;
// weights = the unbiased scores of the picked experts, divided by their sum when normTopk, times routeScale.
__device__ __forceinline__ void rr_moe_gate_body(const float* logits, long long ldl, const float* bias, int nExperts,
                                                 int sigmoidScoring, int nGroups, int topkGroups, int groupTop2Sum, int k,
                                                 int normTopk, float routeScale, int* outExperts, float* outWeights) {
    __shared__ float score[RR_GATE_MAX_EXPERTS];
    __shared__ float sel[RR_GATE_MAX_EXPERTS];
    __shared__ float groupScore[RR_GATE_MAX_GROUPS];
    __shared__ int keptGroup[RR_GATE_MAX_GROUPS];
    __shared__ float scratch[32];
    __shared__ int scratchIdx[32];
    __shared__ int chosen[32];
    int tid = threadIdx.x, t = blockIdx.x;
    const float* lg = logits + t * ldl;
    float lmax = -INFINITY;
    for (int e = tid; e < nExperts; e += blockDim.x) lmax = fmaxf(lmax, lg[e]);
    if (!sigmoidScoring) lmax = rr_block_max(lmax, scratch);
    float sum = 0.f;
    for (int e = tid; e < nExperts; e += blockDim.x) {
        float s = sigmoidScoring ? 1.0f / (1.0f + expf(-lg[e])) : expf(lg[e] - lmax);
        score[e] = s;
        sum += s;
    }
    if (!sigmoidScoring) {
        sum = rr_block_sum(sum, scratch);
        for (int e = tid; e < nExperts; e += blockDim.x) score[e] /= sum;
    }
    __syncthreads();
    for (int e = tid; e < nExperts; e += blockDim.x) sel[e] = score[e] + (bias != nullptr ? bias[e] : 0.f);
    __syncthreads();
    if (nGroups > 1 && topkGroups < nGroups) {
        int per = nExperts / nGroups;
        if (tid < nGroups) {
            float b1 = -INFINITY, b2 = -INFINITY;
            for (int e = tid * per; e < (tid + 1) * per; e++) {
                float v = sel[e];
                if (v > b1) { b2 = b1; b1 = v; } else if (v > b2) b2 = v;
            }
            groupScore[tid] = groupTop2Sum ? b1 + b2 : b1;
        }
        __syncthreads();
        if (tid == 0) {
            // Keep the topkGroups best groups (ties: the lower group index).
            for (int g = 0; g < nGroups; g++) keptGroup[g] = 0;
            for (int r = 0; r < topkGroups; r++) {
                int bg = -1;
                for (int g = 0; g < nGroups; g++)
                    if (!keptGroup[g] && (bg < 0 || groupScore[g] > groupScore[bg])) bg = g;
                if (bg >= 0) keptGroup[bg] = 1;
            }
        }
        __syncthreads();
        for (int e = tid; e < nExperts; e += blockDim.x)
            if (!keptGroup[e / per]) sel[e] = -INFINITY;
        __syncthreads();
    }
    for (int r = 0; r < k; r++) {
        int idx = rr_block_argmax(sel, nExperts, scratch, scratchIdx);
        if (tid == 0) { chosen[r] = idx; sel[idx] = -INFINITY; }
        __syncthreads();
    }
    if (tid == 0) {
        float ws = 0.f;
        for (int r = 0; r < k; r++) ws += score[chosen[r]];
        for (int r = 0; r < k; r++) {
            float w = score[chosen[r]];
            if (normTopk) w /= ws;
            outExperts[t * k + r] = chosen[r];
            outWeights[t * k + r] = w * routeScale;
        }
    }
}
