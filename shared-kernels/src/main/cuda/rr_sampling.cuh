// Next-token choice on the device: argmax and temperature + top-p sampling, each with the chosen token's
// log-probability, so that a decode step returns only ids (and log-probabilities) to the host.
#pragma once
#include "rr_common.cuh"

#define RR_SAMPLE_THREADS 1024

// One block per row: id = argmax (ties: lower index), logprob = log softmax at id = -log(sum exp(x - max)).
__device__ __forceinline__ void rr_argmax_body(const float* logits, long long ld, int n, int* outIds, float* outLogprob) {
    __shared__ float sMax[32], sSum[32];
    __shared__ int sIdx[32];
    const float* x = logits + blockIdx.x * ld;
    int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5, nw = blockDim.x >> 5;
    float m = -INFINITY, s = 0.f;
    int bi = 0x7fffffff;
    for (int i = tid; i < n; i += blockDim.x) {
        float v = x[i];
        if (v != v) v = -INFINITY;  // NaN never wins
        if (bi == 0x7fffffff) bi = i;
        if (v > m) { s = s * expf(m - v) + 1.f; m = v; bi = i; }
        else if (v != -INFINITY) { s += expf(v - m); }
    }
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        float om = __shfl_xor_sync(RR_FULL_MASK, m, o);
        float os = __shfl_xor_sync(RR_FULL_MASK, s, o);
        int oi = __shfl_xor_sync(RR_FULL_MASK, bi, o);
        float nm = fmaxf(m, om);
        float ns = (m == -INFINITY ? 0.f : s * expf(m - nm)) + (om == -INFINITY ? 0.f : os * expf(om - nm));
        if (om > m || (om == m && oi < bi)) bi = oi;
        m = nm;
        s = ns;
    }
    if (lane == 0) { sMax[warp] = m; sSum[warp] = s; sIdx[warp] = bi; }
    __syncthreads();
    if (tid == 0) {
        float M = sMax[0], S = sSum[0];
        int I = sIdx[0];
        for (int w = 1; w < nw; w++) {
            float nm = fmaxf(M, sMax[w]);
            S = (M == -INFINITY ? 0.f : S * expf(M - nm)) + (sMax[w] == -INFINITY ? 0.f : sSum[w] * expf(sMax[w] - nm));
            if (sMax[w] > M || (sMax[w] == M && sIdx[w] < I)) I = sIdx[w];
            M = nm;
        }
        outIds[blockIdx.x] = I;
        if (outLogprob != nullptr) outLogprob[blockIdx.x] = -logf(S);
    }
}

// One block per row. z = (logits - max) / temperature (<= 0, so no overflow however small the temperature, as
// long as 1 / temperature is a finite float); p = softmax(z). The nucleus is {i : z_i >= tau} with tau the largest
// threshold whose kept mass is still >= topP (found by bisection, so no sort of the vocabulary): the smallest set of
// most likely tokens whose mass reaches topP, tokens tied at the boundary all kept. The token is the first one, in
// index order, at which the running kept mass passes u * keptMass. u in [0, 1) comes from the host's seeded
// generator, so a seed reproduces a run. The log-probability is the chosen token's log softmax of the raw logits
// (temperature 1, before top-p): the model's distribution, the same convention as rr_argmax and the host sampler.
__device__ __forceinline__ void rr_sample_top_p_body(const float* logits, long long ld, int n, const float* temperatures,
                                                     const float* topPs, const float* uniforms, int* outIds,
                                                     float* outLogprob) {
    __shared__ float scratch[32];
    __shared__ float prefix[RR_SAMPLE_THREADS];
    __shared__ int found;
    const float* x = logits + blockIdx.x * ld;
    int tid = threadIdx.x;
    float invT = 1.0f / temperatures[blockIdx.x];
    float topP = topPs[blockIdx.x];
    float u = uniforms[blockIdx.x];
    float xmax = -INFINITY, xminNeg = -INFINITY;
    for (int i = tid; i < n; i += blockDim.x) { float v = x[i]; xmax = fmaxf(xmax, v); xminNeg = fmaxf(xminNeg, -v); }
    xmax = rr_block_max(xmax, scratch);
    float zmin = (-rr_block_max(xminNeg, scratch) - xmax) * invT;
    const float zmax = 0.f;
    float S = 0.f, S1 = 0.f;  // sum exp(z) (the sampling distribution), sum exp(x - xmax) (the model's)
    for (int i = tid; i < n; i += blockDim.x) { float d = x[i] - xmax; S += expf(d * invT); S1 += expf(d); }
    S = rr_block_sum(S, scratch);
    S1 = rr_block_sum(S1, scratch);
    float lo = zmin;
    if (topP < 1.0f) {
        // expf underflows to exactly 0 below -104: no mass lies lower, and a bounded range keeps the bisection's
        // 40 halvings precise however small the temperature
        lo = fmaxf(lo, -128.f);
        float mTop = 0.f;
        for (int i = tid; i < n; i += blockDim.x) { float z = (x[i] - xmax) * invT; if (z >= zmax) mTop += expf(z); }
        mTop = rr_block_sum(mTop, scratch) / S;
        if (mTop >= topP) {
            lo = zmax;
        } else {
            float hi = zmax;
            for (int it = 0; it < 40; it++) {
                float mid = 0.5f * (lo + hi);
                if (mid <= lo || mid >= hi) break;
                float mass = 0.f;
                for (int i = tid; i < n; i += blockDim.x) { float z = (x[i] - xmax) * invT; if (z >= mid) mass += expf(z); }
                mass = rr_block_sum(mass, scratch) / S;
                if (mass >= topP) lo = mid; else hi = mid;
            }
        }
    }
    // Kept mass per contiguous chunk, then an exclusive prefix over the chunks.
    int chunk = (n + blockDim.x - 1) / blockDim.x;
    int start = min(n, tid * chunk), end = min(n, start + chunk);
    float cs = 0.f;
    int lastKept = -1;
    for (int i = start; i < end; i++) { float z = (x[i] - xmax) * invT; if (z >= lo) { cs += expf(z); lastKept = i; } }
    prefix[tid] = cs;
    if (tid == 0) found = -1;
    __syncthreads();
    if (tid == 0) {
        float run = 0.f;
        for (int t = 0; t < blockDim.x; t++) { float c = prefix[t]; prefix[t] = run; run += c; }
        scratch[0] = run;
    }
    __syncthreads();
    float kept = scratch[0];
    float target = u * kept;
    float pre = prefix[tid];
    if (cs > 0.f && pre <= target && target < pre + cs) {
        float run = pre;
        int pick = lastKept;
        for (int i = start; i < end; i++) {
            float z = (x[i] - xmax) * invT;
            if (z >= lo) { run += expf(z); if (run > target) { pick = i; break; } }
        }
        found = pick;
    }
    __syncthreads();
    if (found < 0) {  // u * kept rounded past the end: the last kept token
        __shared__ int lastAll;
        if (tid == 0) lastAll = -1;
        __syncthreads();
        atomicMax(&lastAll, lastKept);
        __syncthreads();
        if (tid == 0) found = lastAll;
        __syncthreads();
    }
    if (tid == 0) {
        if (found < 0) found = 0;  // only when every logit is NaN or -inf
        outIds[blockIdx.x] = found;
        if (outLogprob != nullptr) outLogprob[blockIdx.x] = (x[found] - xmax) - logf(S1);
    }
}

// Bench support: deterministic pseudo-random bytes, then a per-type pass that keeps every value finite.
__device__ __forceinline__ uint32_t rr_hash(uint64_t i, uint32_t seed) {
    uint64_t z = i * 0x9E3779B97F4A7C15ull + seed;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t) (z ^ (z >> 31));
}
