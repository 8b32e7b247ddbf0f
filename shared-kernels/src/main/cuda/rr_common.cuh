// Shared helpers for the Reasoning Router kernels: weight types, element decoding, warp reductions.
#pragma once
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <stdint.h>

// Weight types. The numbers are part of the Java contract (CudaWeightType.code()).
#define RR_F32 0
#define RR_F16 1
#define RR_BF16 2
#define RR_Q8_0 3
#define RR_Q4_K 4
#define RR_Q6_K 5
#define RR_FP8 6   // E4M3 (the "fn" variant: no infinities, max 448) with float32 scales per 128x128 block

#define RR_FULL_MASK 0xffffffffu

// Dynamic shared memory; the host emulation used by the CPU-side kernel tests (src/test/cuda-emu) supplies its own.
#ifdef RR_HOST_EMULATION
#define RR_DYNAMIC_SHARED(type, name) type* name = (type*) rr_emu_dynamic_smem()
#else
#define RR_DYNAMIC_SHARED(type, name) extern __shared__ type name[]
#endif

__device__ __forceinline__ float rr_half_bits(uint32_t h) {
    return __half2float(__ushort_as_half((unsigned short) (h & 0xffffu)));
}

__device__ __forceinline__ float rr_bf16_bits(uint32_t b) {
    return __uint_as_float((b & 0xffffu) << 16);
}

__device__ __forceinline__ float rr_fp8_bits(uint32_t v) {
    __half_raw h = __nv_cvt_fp8_to_halfraw((__nv_fp8_storage_t) (v & 0xffu), __NV_E4M3);
    return __half2float(__half(h));
}

// Two E4M3 values (low byte first) to two floats; one cvt instruction on sm_89 and later.
__device__ __forceinline__ float2 rr_fp8x2_bits(uint32_t v) {
    __half2_raw h = __nv_cvt_fp8x2_to_halfraw2((__nv_fp8x2_storage_t) (v & 0xffffu), __NV_E4M3);
    return __half22float2(__half2(h));
}

__device__ __forceinline__ float rr_warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(RR_FULL_MASK, v, o);
    return v;
}

__device__ __forceinline__ float rr_warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(RR_FULL_MASK, v, o));
    return v;
}

// Block-wide sum for blockDim.x a multiple of 32 (<= 1024). scratch: 32 floats of shared memory.
__device__ __forceinline__ float rr_block_sum(float v, float* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nw = blockDim.x >> 5;
    v = rr_warp_sum(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float r = lane < nw ? scratch[lane] : 0.f;
    r = rr_warp_sum(r);
    return r;
}

__device__ __forceinline__ float rr_block_max(float v, float* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nw = blockDim.x >> 5;
    v = rr_warp_max(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float r = lane < nw ? scratch[lane] : -INFINITY;
    r = rr_warp_max(r);
    return r;
}

// Bytes of one row of `cols` values.
__host__ __device__ __forceinline__ long long rr_row_bytes(int type, int cols) {
    switch (type) {
        case RR_F32: return 4LL * cols;
        case RR_F16:
        case RR_BF16: return 2LL * cols;
        case RR_Q8_0: return (long long) (cols / 32) * 34;
        case RR_Q4_K: return (long long) (cols / 256) * 144;
        case RR_Q6_K: return (long long) (cols / 256) * 210;
        default: return (long long) cols;  // RR_FP8
    }
}

__device__ __forceinline__ uint32_t rr_ld_u16(const uint8_t* p) {
    return (uint32_t) __ldg((const unsigned short*) p);
}

// ggml's get_scale_min_k4: 6-bit scale and min of sub-block j (0..7) from the 12 packed bytes.
__device__ __forceinline__ void rr_q4k_scale_min(int j, const uint8_t* q, int& sc, int& m) {
    if (j < 4) {
        sc = q[j] & 63;
        m = q[j + 4] & 63;
    } else {
        sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

// Value i of a row (slow path: embedding rows and odd shapes). scaleRow: the FP8 block-scale row, else unused.
template <int T>
__device__ __forceinline__ float rr_dequant_elem(const uint8_t* row, const float* scaleRow, int i) {
    if (T == RR_F32) return __ldg((const float*) row + i);
    if (T == RR_F16) return rr_half_bits(rr_ld_u16(row + 2LL * i));
    if (T == RR_BF16) return rr_bf16_bits(rr_ld_u16(row + 2LL * i));
    if (T == RR_FP8) return rr_fp8_bits(__ldg(row + i)) * __ldg(scaleRow + (i >> 7));
    if (T == RR_Q8_0) {
        const uint8_t* b = row + (long long) (i >> 5) * 34;
        return rr_half_bits(rr_ld_u16(b)) * (float) (int8_t) __ldg(b + 2 + (i & 31));
    }
    if (T == RR_Q4_K) {
        const uint8_t* b = row + (long long) (i >> 8) * 144;
        int w = i & 255, j = w >> 6, hi = (w >> 5) & 1, l = w & 31;
        uint8_t sc[12];
#pragma unroll
        for (int k = 0; k < 12; k++) sc[k] = __ldg(b + 4 + k);
        int s, m;
        rr_q4k_scale_min(2 * j + hi, sc, s, m);
        int q = (__ldg(b + 16 + 32 * j + l) >> (hi * 4)) & 0xF;
        return rr_half_bits(rr_ld_u16(b)) * s * q - rr_half_bits(rr_ld_u16(b + 2)) * m;
    }
    // RR_Q6_K: ql[128] qh[64] scales[16] d
    const uint8_t* b = row + (long long) (i >> 8) * 210;
    int w = i & 255, n = w >> 7, r = w & 127, quarter = r >> 5, l = r & 31;
    int ql = __ldg(b + 64 * n + l + ((quarter & 1) ? 32 : 0));
    ql = (quarter >= 2) ? (ql >> 4) : (ql & 0xF);
    int qh = (__ldg(b + 128 + 32 * n + l) >> (2 * quarter)) & 3;
    int sc = (int8_t) __ldg(b + 192 + 8 * n + (l >> 4) + 2 * quarter);
    return rr_half_bits(rr_ld_u16(b + 208)) * sc * ((ql | (qh << 4)) - 32);
}
