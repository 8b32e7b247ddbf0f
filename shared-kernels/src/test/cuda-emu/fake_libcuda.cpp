// A stand-in libcuda.so.1 for CPU-only test runs: implements the handful of CUDA driver-API entry points JCuda's
// driver binding calls for this project, and runs the project's real kernel sources through emu.h. Loaded by
// pointing LD_LIBRARY_PATH at the directory holding it (see run-java-tests.sh). Reports one device,
// "RR host emulation of CUDA", compute 9.0. Kernel launches are synchronous. For tests only.
#include "emu.h"
#include "../../main/cuda/rr_kernels.cu"

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>

namespace {

using Runner = std::function<void(EmuDim, EmuDim, size_t, void**)>;

template <class... P, std::size_t... I>
void callWith(void (*k)(P...), EmuDim g, EmuDim b, size_t smem, void** params, std::index_sequence<I...>) {
    emuLaunch(k, g, b, smem, *static_cast<P*>(params[I])...);
}

template <class... P>
Runner runner(void (*k)(P...)) {
    return [k](EmuDim g, EmuDim b, size_t smem, void** params) { callWith(k, g, b, smem, params, std::index_sequence_for<P...>{}); };
}

#define RR_REG_B(name, B) {"rr_matmul_" #name "_b" #B, runner(rr_matmul_##name##_b##B)}, {"rr_ffn_gate_up_" #name "_b" #B, runner(rr_ffn_gate_up_##name##_b##B)},
#define RR_REG(name) RR_REG_B(name, 1) RR_REG_B(name, 2) RR_REG_B(name, 4) RR_REG_B(name, 8) \
    {"rr_moe_gate_up_" #name, runner(rr_moe_gate_up_##name)}, {"rr_moe_down_" #name, runner(rr_moe_down_##name)}, \
    {"rr_embed_" #name, runner(rr_embed_##name)},

std::map<std::string, Runner>& kernels() {
    static std::map<std::string, Runner> m = {
        RR_REG(f32) RR_REG(f16) RR_REG(bf16) RR_REG(q8_0) RR_REG(q4_k) RR_REG(q6_k) RR_REG(fp8)
        {"rr_rmsnorm", runner(rr_rmsnorm)}, {"rr_rope_yarn", runner(rr_rope_yarn)},
        {"rr_mla_decode_partial", runner(rr_mla_decode_partial)}, {"rr_mla_decode_reduce", runner(rr_mla_decode_reduce)},
        {"rr_moe_gate", runner(rr_moe_gate)}, {"rr_argmax", runner(rr_argmax)}, {"rr_sample_top_p", runner(rr_sample_top_p)},
        {"rr_axpy", runner(rr_axpy)}, {"rr_fill_f32", runner(rr_fill_f32)}, {"rr_fill_random_u32", runner(rr_fill_random_u32)},
        {"rr_sanitize_weights", runner(rr_sanitize_weights)},
    };
    return m;
}

struct Module { std::string ptx; };
struct Function { Runner* run; };
using Clock = std::chrono::steady_clock;
const size_t kMemory = 8ull << 30;

}  // namespace

extern "C" {
typedef int CUresult;
typedef unsigned long long CUdeviceptr;

CUresult cuInit(unsigned) { return 0; }
CUresult cuDriverGetVersion(int* v) { *v = 13000; return 0; }
CUresult cuDeviceGetCount(int* n) { *n = 1; return 0; }
CUresult cuDeviceGet(int* d, int ordinal) { if (ordinal != 0) return 101; *d = 0; return 0; }
CUresult cuDeviceGetName(char* name, int len, int) { snprintf(name, len, "RR host emulation of CUDA"); return 0; }
CUresult cuDeviceTotalMem_v2(size_t* bytes, int) { *bytes = kMemory; return 0; }
CUresult cuDeviceGetAttribute(int* v, int attribute, int) {
    switch (attribute) {
        case 75: *v = 9; break;        // compute capability major
        case 76: *v = 0; break;        // minor
        case 16: *v = 4; break;        // multiprocessors
        case 36: *v = 1000000; break;  // memory clock, kHz
        case 37: *v = 64; break;       // bus width, bits
        default: *v = 0;
    }
    return 0;
}
CUresult cuDevicePrimaryCtxRetain(void** ctx, int) { *ctx = (void*) 0x1; return 0; }
CUresult cuDevicePrimaryCtxRelease_v2(int) { return 0; }
CUresult cuCtxSetCurrent(void*) { return 0; }
CUresult cuCtxSynchronize() { return 0; }
CUresult cuModuleLoadData(void** module, const void* image) {
    *module = new Module{std::string((const char*) image)};
    return 0;
}
CUresult cuModuleUnload(void* module) { delete (Module*) module; return 0; }
CUresult cuModuleGetFunction(void** fn, void* module, const char* name) {
    // The name must be an entry of the PTX that was loaded (as the real driver requires) and a kernel we can run.
    std::string entry = std::string(".entry ") + name + "(";
    auto it = kernels().find(name);
    if (((Module*) module)->ptx.find(entry) == std::string::npos || it == kernels().end()) return 500;  // CUDA_ERROR_NOT_FOUND
    *fn = new Function{&it->second};
    return 0;
}
CUresult cuMemAlloc_v2(CUdeviceptr* p, size_t n) {
    void* m = std::aligned_alloc(256, (n + 255) / 256 * 256);
    if (!m) return 2;  // CUDA_ERROR_OUT_OF_MEMORY
    *p = (CUdeviceptr) m;
    return 0;
}
CUresult cuMemFree_v2(CUdeviceptr p) { std::free((void*) p); return 0; }
CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t n) { memcpy((void*) dst, src, n); return 0; }
CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t n) { memcpy(dst, (const void*) src, n); return 0; }
CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t n) { memmove((void*) dst, (const void*) src, n); return 0; }
CUresult cuMemsetD8_v2(CUdeviceptr p, unsigned char v, size_t n) { memset((void*) p, v, n); return 0; }
CUresult cuMemGetInfo_v2(size_t* free, size_t* total) { *free = kMemory; *total = kMemory; return 0; }
CUresult cuLaunchKernel(void* fn, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, unsigned smem,
                        void*, void** params, void**) {
    if (by != 1 || bz != 1) return 1;  // the kernels use 1-D blocks
    (*((Function*) fn)->run)(EmuDim{gx, gy, gz}, EmuDim{bx, 1, 1}, smem, params);
    return 0;
}
CUresult cuEventCreate(void** e, unsigned) { *e = new Clock::time_point(); return 0; }
CUresult cuEventRecord(void* e, void*) { *(Clock::time_point*) e = Clock::now(); return 0; }
CUresult cuEventSynchronize(void*) { return 0; }
CUresult cuEventElapsedTime(float* ms, void* a, void* b) {
    *ms = std::chrono::duration<float, std::milli>(*(Clock::time_point*) b - *(Clock::time_point*) a).count();
    return 0;
}
CUresult cuEventDestroy_v2(void* e) { delete (Clock::time_point*) e; return 0; }
CUresult cuGetErrorString(CUresult, const char** s) { *s = "error in the host emulation of CUDA"; return 0; }
CUresult cuGetErrorName(CUresult, const char** s) { *s = "CUDA_ERROR_EMULATION"; return 0; }
}
