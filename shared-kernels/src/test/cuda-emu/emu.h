// Host emulation of the small part of CUDA the Reasoning Router kernels use, so that the kernel sources can be
// compiled with g++ and executed on a CPU for testing: every CUDA thread is a std::thread, blocks run one at a
// time (so function-scope `static` stands in for __shared__), __syncthreads is a block barrier, warp shuffles go
// through a per-warp exchange with a barrier. Slow, but it runs the real kernel code.
#pragma once
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <vector_types.h>
#include <vector_functions.h>

#define RR_HOST_EMULATION 1
#undef __global__
#undef __device__
#undef __host__
#undef __forceinline__
#undef __shared__
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(...)

struct EmuDim { unsigned x = 1, y = 1, z = 1; };
inline thread_local EmuDim threadIdx, blockIdx;
inline EmuDim blockDim, gridDim;

struct EmuBlock {
    std::unique_ptr<std::barrier<>> block;
    std::vector<std::unique_ptr<std::barrier<>>> warps;
    std::vector<uint64_t> exchange;
    std::vector<unsigned char> dynamicSmem;
};
inline EmuBlock* emuBlock = nullptr;
inline std::mutex emuAtomic;

inline void* rr_emu_dynamic_smem() { return emuBlock->dynamicSmem.data(); }

inline void __syncthreads() { emuBlock->block->arrive_and_wait(); }

template <class T> inline T __shfl_xor_sync(unsigned, T v, int o) {
    static_assert(sizeof(T) <= 8);
    int w = threadIdx.x / 32, lane = threadIdx.x % 32;
    uint64_t* ex = emuBlock->exchange.data() + 32 * w;
    uint64_t slot = 0;
    std::memcpy(&slot, &v, sizeof(T));
    ex[lane] = slot;
    emuBlock->warps[w]->arrive_and_wait();
    T r;
    uint64_t other = ex[lane ^ o];
    std::memcpy(&r, &other, sizeof(T));
    emuBlock->warps[w]->arrive_and_wait();
    return r;
}

template <class T> inline T __ldg(const T* p) { return *p; }
template <class T> inline T __ldcs(const T* p) { return *p; }
inline float __uint_as_float(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }
inline uint32_t __byte_perm(uint32_t x, uint32_t y, uint32_t s) {
    uint64_t b = (uint64_t) x | ((uint64_t) y << 32);
    uint32_t r = 0;
    for (int i = 0; i < 4; i++) r |= (uint32_t) ((b >> (8 * ((s >> (4 * i)) & 7))) & 0xFF) << (8 * i);
    return r;
}
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline int atomicMax(int* p, int v) {
    std::lock_guard<std::mutex> g(emuAtomic);
    int old = *p;
    if (v > old) *p = v;
    return old;
}
using std::min;
using std::max;

/**
 * Runs kernel(args...) over grid x block. One std::thread per CUDA thread of a block, reused for every block; the
 * blocks run one after another (a pool barrier between them), which is what lets `static` stand in for __shared__.
 */
template <class... P, class... A>
void emuLaunch(void (*kernel)(P...), EmuDim grid, EmuDim block, size_t smem, A... args) {
    gridDim = grid;
    blockDim = block;
    unsigned n = block.x * block.y * block.z;
    EmuBlock b;
    b.block = std::make_unique<std::barrier<>>(n);
    for (unsigned w = 0; w < (n + 31) / 32; w++) b.warps.push_back(std::make_unique<std::barrier<>>(std::min(32u, n - 32 * w)));
    b.exchange.resize(32 * ((n + 31) / 32));
    b.dynamicSmem.resize(smem + 16);
    std::barrier<> betweenBlocks(n);
    emuBlock = &b;
    std::vector<std::thread> ts;
    ts.reserve(n);
    for (unsigned t = 0; t < n; t++)
        ts.emplace_back([=, &betweenBlocks] {
            threadIdx = EmuDim{t, 0, 0};
            for (unsigned bz = 0; bz < grid.z; bz++)
                for (unsigned by = 0; by < grid.y; by++)
                    for (unsigned bx = 0; bx < grid.x; bx++) {
                        blockIdx = EmuDim{bx, by, bz};
                        kernel(static_cast<P>(args)...);
                        betweenBlocks.arrive_and_wait();
                    }
        });
    for (auto& t : ts) t.join();
    emuBlock = nullptr;
}
