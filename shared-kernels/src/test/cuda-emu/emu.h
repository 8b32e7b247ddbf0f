// Host emulation of the small part of CUDA the Reasoning Router kernels use, so that the kernel sources can be
// compiled with g++ and executed on a CPU for testing. Every CUDA thread of a block is a fiber (ucontext) on one
// OS thread, scheduled cooperatively: __syncthreads and each warp shuffle are barriers at which a fiber yields
// until every live thread of its block (or warp) has arrived. Blocks run one after another, so function-scope
// `static` stands in for __shared__. Slow, deterministic, and it runs the real kernel code.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>
#include <ucontext.h>
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
inline EmuDim threadIdx, blockIdx, blockDim, gridDim;

enum class EmuWait { None, Block, Warp };

struct EmuFiber {
    ucontext_t ctx;
    std::unique_ptr<char[]> stack;
    bool done = false;
    EmuWait wait = EmuWait::None;
};

struct EmuBlock {
    std::vector<EmuFiber> fibers;
    ucontext_t scheduler;
    unsigned current = 0;
    std::function<void()> body;
    std::vector<uint64_t> exchange;
    std::vector<unsigned char> dynamicSmem;
};
inline EmuBlock* emuBlock = nullptr;

inline void* rr_emu_dynamic_smem() { return emuBlock->dynamicSmem.data(); }

inline void emuYield(EmuWait w) {
    EmuFiber& f = emuBlock->fibers[emuBlock->current];
    f.wait = w;
    swapcontext(&f.ctx, &emuBlock->scheduler);
}

inline void __syncthreads() { emuYield(EmuWait::Block); }

template <class T> inline T __shfl_xor_sync(unsigned, T v, int o) {
    static_assert(sizeof(T) <= 8);
    unsigned w = threadIdx.x / 32, lane = threadIdx.x % 32;
    uint64_t* ex = emuBlock->exchange.data() + 32 * w;
    uint64_t slot = 0;
    std::memcpy(&slot, &v, sizeof(T));
    ex[lane] = slot;
    emuYield(EmuWait::Warp);
    T r;
    uint64_t other = ex[lane ^ (unsigned) o];
    std::memcpy(&r, &other, sizeof(T));
    emuYield(EmuWait::Warp);  // nobody overwrites its slot before every lane has read
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
    int old = *p;
    if (v > old) *p = v;
    return old;
}
using std::min;
using std::max;

inline void emuFiberMain() {
    emuBlock->body();
    emuBlock->fibers[emuBlock->current].done = true;
}

/** Runs kernel(args...) over grid x block: blocks one after another, the block's threads as fibers. */
template <class... P, class... A>
void emuLaunch(void (*kernel)(P...), EmuDim grid, EmuDim block, size_t smem, A... args) {
    static const size_t kStack = 64 * 1024;
    gridDim = grid;
    blockDim = block;
    unsigned n = block.x * block.y * block.z, nWarps = (n + 31) / 32;
    EmuBlock b;
    b.fibers.resize(n);
    for (auto& f : b.fibers) f.stack.reset(new char[kStack]);
    b.exchange.resize(32 * nWarps);
    b.dynamicSmem.resize(smem + 16);
    b.body = [=] { kernel(static_cast<P>(args)...); };
    EmuBlock* saved = emuBlock;
    emuBlock = &b;
    for (unsigned bz = 0; bz < grid.z; bz++)
        for (unsigned by = 0; by < grid.y; by++)
            for (unsigned bx = 0; bx < grid.x; bx++) {
                blockIdx = EmuDim{bx, by, bz};
                for (auto& f : b.fibers) {
                    f.done = false;
                    f.wait = EmuWait::None;
                    getcontext(&f.ctx);
                    f.ctx.uc_stack.ss_sp = f.stack.get();
                    f.ctx.uc_stack.ss_size = kStack;
                    f.ctx.uc_link = &b.scheduler;
                    makecontext(&f.ctx, emuFiberMain, 0);
                }
                unsigned live = n;
                while (live > 0) {
                    bool ran = false;
                    for (unsigned t = 0; t < n; t++) {
                        EmuFiber& f = b.fibers[t];
                        if (f.done || f.wait != EmuWait::None) continue;
                        b.current = t;
                        threadIdx = EmuDim{t, 0, 0};
                        swapcontext(&b.scheduler, &f.ctx);
                        if (f.done) live--;
                        ran = true;
                    }
                    bool released = false;
                    for (unsigned w = 0; w < nWarps; w++) {  // a warp barrier opens when all its live lanes wait at it
                        bool all = true, any = false;
                        for (unsigned t = 32 * w; t < std::min(n, 32 * w + 32); t++) {
                            if (b.fibers[t].done) continue;
                            any = true;
                            if (b.fibers[t].wait != EmuWait::Warp) all = false;
                        }
                        if (any && all) {
                            for (unsigned t = 32 * w; t < std::min(n, 32 * w + 32); t++) b.fibers[t].wait = EmuWait::None;
                            released = true;
                        }
                    }
                    bool allBlock = live > 0;
                    for (auto& f : b.fibers) if (!f.done && f.wait != EmuWait::Block) allBlock = false;
                    if (allBlock) {
                        for (auto& f : b.fibers) f.wait = EmuWait::None;
                        released = true;
                    }
                    if (!ran && !released && live > 0) {
                        fprintf(stderr, "emu: deadlock in block (%u,%u,%u): threads wait at barriers that cannot open\n", bx, by, bz);
                        std::abort();
                    }
                }
            }
    emuBlock = saved;
}
