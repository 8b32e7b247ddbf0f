// Runs the real kernel sources (rr_kernels.cu) on the CPU through emu.h (fibers as CUDA threads) and checks each against plain references
// written from ggml's dequantize_row_* definitions and the model's formulas. Build and run: ./run.sh
#include "emu.h"
#include "../../main/cuda/rr_kernels.cu"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <random>
#include <string>

static std::mt19937_64 rng(12345);
static int failures = 0, checks = 0;

static float gauss(float s) { std::normal_distribution<float> d(0.f, s); return d(rng); }
static uint32_t rnd32() { return (uint32_t) rng(); }
static uint16_t f2h(float f) { return __half_as_ushort(__float2half(f)); }
static float h2f(uint16_t h) { return __half2float(__ushort_as_half(h)); }
static float bf2f(uint16_t b) { uint32_t u = (uint32_t) b << 16; float f; memcpy(&f, &u, 4); return f; }
static float fp8f(uint8_t v) {
    int s = v >> 7, e = (v >> 3) & 15, m = v & 7;
    float mag = e == 0 ? std::ldexp(m / 8.f, -6) : std::ldexp(1 + m / 8.f, e - 7);
    return s ? -mag : mag;
}

static void check(bool ok, const std::string& what) {
    checks++;
    if (!ok) { failures++; if (failures < 40) printf("FAIL %s\n", what.c_str()); }
}

// ------------------------------------------------------------------ weights: random bytes made valid, reference decode

static long long rowBytes(int t, int cols) { return rr_row_bytes(t, cols); }

static std::vector<uint8_t> randomWeights(int t, int rows, int cols) {
    long long n = rowBytes(t, cols) * rows;
    std::vector<uint8_t> w(n + 16);
    for (auto& b : w) b = (uint8_t) rnd32();
    auto put16 = [&](long long at, uint16_t v) { w[at] = v & 0xff; w[at + 1] = v >> 8; };
    if (t == RR_F32) for (long long i = 0; i < n / 4; i++) { float f = gauss(0.1f); memcpy(&w[4 * i], &f, 4); }
    if (t == RR_F16) for (long long i = 0; i < n / 2; i++) put16(2 * i, f2h(gauss(0.1f)));
    if (t == RR_BF16) for (long long i = 0; i < n / 2; i++) { float f = gauss(0.1f); uint32_t u; memcpy(&u, &f, 4); put16(2 * i, u >> 16); }
    if (t == RR_FP8) for (long long i = 0; i < n; i++) if ((w[i] & 0x7f) == 0x7f) w[i] = 0x3f;
    if (t == RR_Q8_0) for (long long b = 0; b < n / 34; b++) put16(b * 34, f2h(0.001f + 0.01f * (rnd32() % 100) / 100));
    if (t == RR_Q4_K) for (long long b = 0; b < n / 144; b++) { put16(b * 144, f2h(0.0005f + 0.001f * (rnd32() % 50) / 50)); put16(b * 144 + 2, f2h(0.0003f * (rnd32() % 50) / 50)); }
    if (t == RR_Q6_K) for (long long b = 0; b < n / 210; b++) put16(b * 210 + 208, f2h(0.0001f + 0.0001f * (rnd32() % 50) / 50));
    return w;
}

// ggml's dequantize_row_* written out plainly.
static std::vector<float> decodeRow(int t, const uint8_t* row, int cols, const float* scaleRow) {
    std::vector<float> y(cols);
    auto u16 = [](const uint8_t* p) { return (uint16_t) (p[0] | (p[1] << 8)); };
    switch (t) {
        case RR_F32: memcpy(y.data(), row, 4 * cols); break;
        case RR_F16: for (int i = 0; i < cols; i++) y[i] = h2f(u16(row + 2 * i)); break;
        case RR_BF16: for (int i = 0; i < cols; i++) y[i] = bf2f(u16(row + 2 * i)); break;
        case RR_FP8: for (int i = 0; i < cols; i++) y[i] = fp8f(row[i]) * scaleRow[i / 128]; break;
        case RR_Q8_0:
            for (int b = 0; b < cols / 32; b++) {
                const uint8_t* p = row + 34 * b;
                for (int l = 0; l < 32; l++) y[32 * b + l] = h2f(u16(p)) * (int8_t) p[2 + l];
            }
            break;
        case RR_Q4_K:
            for (int b = 0; b < cols / 256; b++) {
                const uint8_t* p = row + 144 * b;
                float d = h2f(u16(p)), dmin = h2f(u16(p + 2));
                const uint8_t* sc = p + 4;
                const uint8_t* q = p + 16;
                float* out = y.data() + 256 * b;
                int is = 0;
                for (int j = 0; j < 256; j += 64) {
                    uint8_t s1, m1, s2, m2;
                    auto gsm = [&](int k, uint8_t& s, uint8_t& m) {
                        if (k < 4) { s = sc[k] & 63; m = sc[k + 4] & 63; }
                        else { s = (sc[k + 4] & 0xF) | ((sc[k - 4] >> 6) << 4); m = (sc[k + 4] >> 4) | ((sc[k] >> 6) << 4); }
                    };
                    gsm(is, s1, m1); gsm(is + 1, s2, m2);
                    for (int l = 0; l < 32; l++) *out++ = d * s1 * (q[l] & 0xF) - dmin * m1;
                    for (int l = 0; l < 32; l++) *out++ = d * s2 * (q[l] >> 4) - dmin * m2;
                    q += 32; is += 2;
                }
            }
            break;
        case RR_Q6_K:
            for (int b = 0; b < cols / 256; b++) {
                const uint8_t* p = row + 210 * b;
                const uint8_t* ql = p; const uint8_t* qh = p + 128; const int8_t* sc = (const int8_t*) (p + 192);
                float d = h2f(u16(p + 208));
                float* out = y.data() + 256 * b;
                for (int n = 0; n < 256; n += 128) {
                    for (int l = 0; l < 32; l++) {
                        int is = l / 16;
                        int q1 = (int) ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                        int q2 = (int) ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                        int q3 = (int) ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                        int q4 = (int) ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                        out[l] = d * sc[is] * q1; out[l + 32] = d * sc[is + 2] * q2;
                        out[l + 64] = d * sc[is + 4] * q3; out[l + 96] = d * sc[is + 6] * q4;
                    }
                    out += 128; ql += 64; qh += 32; sc += 8;
                }
            }
            break;
    }
    return y;
}

struct Mat {
    int t, rows, cols, groups;
    std::vector<uint8_t> data;
    std::vector<float> scales;  // FP8: [group][rows/128][cols/128]
    std::vector<float> dec;     // [group][rows][cols]
    long long scaleCount() const { return t == RR_FP8 ? (long long) ((rows + 127) / 128) * ((cols + 127) / 128) : 0; }
    Mat(int t, int rows, int cols, int groups) : t(t), rows(rows), cols(cols), groups(groups) {
        for (int g = 0; g < groups; g++) {
            auto w = randomWeights(t, rows, cols);
            data.insert(data.end(), w.begin(), w.begin() + rowBytes(t, cols) * rows);
        }
        data.resize(data.size() + 16);
        if (t == RR_FP8) { scales.resize(groups * scaleCount()); for (auto& s : scales) s = 0.001f + 0.01f * (rnd32() % 100) / 100; }
        dec.resize((size_t) groups * rows * cols);
        for (int g = 0; g < groups; g++)
            for (int r = 0; r < rows; r++) {
                const float* sr = t == RR_FP8 ? scales.data() + g * scaleCount() + (r / 128) * ((cols + 127) / 128) : nullptr;
                auto y = decodeRow(t, data.data() + (g * (long long) rows + r) * rowBytes(t, cols), cols, sr);
                std::copy(y.begin(), y.end(), dec.begin() + ((size_t) g * rows + r) * cols);
            }
    }
    const float* S() const { return t == RR_FP8 ? scales.data() : nullptr; }
    long long groupBytes() const { return rowBytes(t, cols) * rows; }
    double dot(int g, int r, const float* x, double* mag = nullptr) const {
        double s = 0, m = 0;
        for (int c = 0; c < cols; c++) { double v = (double) dec[((size_t) g * rows + r) * cols + c] * x[c]; s += v; m += std::fabs(v); }
        if (mag) *mag = m;
        return s;
    }
};

static std::vector<float> gaussVec(size_t n, float s) { std::vector<float> v(n); for (auto& x : v) x = gauss(s); return v; }
static bool close(double got, double want, double mag, double rel = 1e-4) { return std::fabs(got - want) <= rel * mag + 1e-6; }
static const char* tname(int t) { static const char* n[] = {"f32", "f16", "bf16", "q8_0", "q4_k", "q6_k", "fp8"}; return n[t]; }

#define MM(T, name) \
    {T, {rr_matmul_##name##_b1, rr_matmul_##name##_b2, rr_matmul_##name##_b4, rr_matmul_##name##_b8}, \
        {rr_ffn_gate_up_##name##_b1, rr_ffn_gate_up_##name##_b2, rr_ffn_gate_up_##name##_b4, rr_ffn_gate_up_##name##_b8}, \
        rr_moe_gate_up_##name, rr_moe_down_##name, rr_embed_##name}
using MatmulFn = void (*)(RR_MM_ARGS);
using FfnFn = void (*)(RR_FFN_ARGS);
using MoeUpFn = void (*)(RR_MOE_UP_ARGS);
using MoeDownFn = void (*)(RR_MOE_DOWN_ARGS);
using EmbedFn = void (*)(const uint8_t*, const float*, const int*, float*, int, long long);
struct TypeFns { int t; MatmulFn mm[4]; FfnFn ffn[4]; MoeUpFn up; MoeDownFn down; EmbedFn embed; };
static TypeFns FNS[] = {MM(RR_F32, f32), MM(RR_F16, f16), MM(RR_BF16, bf16), MM(RR_Q8_0, q8_0), MM(RR_Q4_K, q4_k), MM(RR_Q6_K, q6_k), MM(RR_FP8, fp8)};
static int variant(int b) { return b <= 1 ? 0 : b <= 2 ? 1 : b <= 4 ? 2 : 3; }

static void testMatmul(int t, int rows, int cols, int batch, int groups) {
    Mat m(t, rows, cols, groups);
    long long xs = (long long) batch * cols + 8, ys = (long long) batch * rows + 3;  // group strides (xs multiple of 4)
    xs = (xs + 3) / 4 * 4;
    auto x = gaussVec(groups * xs, 1.f);
    std::vector<float> y(groups * ys, 0.5f);
    emuLaunch(FNS[t].mm[variant(batch)], EmuDim{(unsigned) ((rows + 7) / 8), (unsigned) groups, 1}, EmuDim{256, 1, 1}, 0,
              (const uint8_t*) m.data.data(), m.S(), (const float*) x.data(), y.data(), rows, cols, batch, (long long) cols, (long long) rows,
              m.groupBytes(), m.scaleCount(), xs, ys, 1);
    double worst = 0;
    for (int g = 0; g < groups; g++)
        for (int b = 0; b < batch; b++)
            for (int r = 0; r < rows; r++) {
                double mag, want = 0.5 + m.dot(g, r, x.data() + g * xs + b * cols, &mag);
                double got = y[g * ys + b * rows + r];
                worst = std::max(worst, std::fabs(got - want) / (mag + 1e-9));
                check(close(got, want, mag + 0.5), std::string("matmul ") + tname(t) + " " + std::to_string(rows) + "x" + std::to_string(cols)
                      + " b" + std::to_string(batch) + " g" + std::to_string(g) + " row " + std::to_string(r) + ": " + std::to_string(got) + " vs " + std::to_string(want));
            }
    for (int g = 0; g < groups; g++) check(y[g * ys + batch * rows] == 0.5f, "matmul wrote past its rows");
    printf("matmul %-5s %4dx%-5d batch %d groups %d: worst |err|/sum|w x| = %.2e\n", tname(t), rows, cols, batch, groups, worst);
}

static void testFfnAndMoe(int t) {
    int hidden = t == RR_Q4_K || t == RR_Q6_K ? 512 : 128, inter = t == RR_Q4_K || t == RR_Q6_K ? 256 : 64, nE = 5, k = 2, batch = 2;
    Mat g(t, inter, hidden, nE), u(t, inter, hidden, nE), d(t, hidden, inter, nE);
    auto x = gaussVec(batch * hidden, 1.f);
    // dense (expert 0 as a plain matrix)
    Mat g1(t, inter, hidden, 1), u1(t, inter, hidden, 1);
    std::vector<float> h1(batch * inter);
    emuLaunch(FNS[t].ffn[variant(batch)], EmuDim{(unsigned) (inter + 7) / 8, 1, 1}, EmuDim{256, 1, 1}, 0, (const uint8_t*) g1.data.data(),
              (const uint8_t*) u1.data.data(), g1.S(), u1.S(), (const float*) x.data(), h1.data(), inter, hidden, batch, (long long) hidden, (long long) inter);
    for (int b = 0; b < batch; b++)
        for (int i = 0; i < inter; i++) {
            double mg, mu, gv = g1.dot(0, i, x.data() + b * hidden, &mg), uv = u1.dot(0, i, x.data() + b * hidden, &mu);
            double want = gv / (1 + std::exp(-gv)) * uv;
            check(close(h1[b * inter + i], want, (mg + 1) * (mu + 1)), std::string("ffn ") + tname(t) + " " + std::to_string(i));
        }
    int experts[] = {4, 1, 0, 4};
    float weights[] = {0.7f, 0.3f, 0.5f, 0.25f};
    std::vector<float> h(batch * k * inter), y = gaussVec(batch * hidden, 1.f), y0 = y;
    emuLaunch(FNS[t].up, EmuDim{(unsigned) (inter + 7) / 8, (unsigned) k, (unsigned) batch}, EmuDim{256, 1, 1}, 0, (const uint8_t*) g.data.data(),
              (const uint8_t*) u.data.data(), g.S(), u.S(), (const float*) x.data(), h.data(), (const int*) experts, k, inter, hidden, g.groupBytes(),
              g.scaleCount(), (long long) hidden, (long long) inter);
    emuLaunch(FNS[t].down, EmuDim{(unsigned) (hidden + 7) / 8, 1, (unsigned) batch}, EmuDim{256, 1, 1}, 0, (const uint8_t*) d.data.data(), d.S(),
              (const float*) h.data(), y.data(), (const int*) experts, (const float*) weights, k, hidden, inter, d.groupBytes(), d.scaleCount(),
              (long long) inter, (long long) hidden, 1);
    for (int b = 0; b < batch; b++) {
        std::vector<double> want(hidden), mag(hidden);
        for (int s = 0; s < k; s++) {
            int e = experts[b * k + s];
            std::vector<float> hs(inter);
            for (int i = 0; i < inter; i++) {
                double mg, mu, gv = g.dot(e, i, x.data() + b * hidden, &mg), uv = u.dot(e, i, x.data() + b * hidden, &mu);
                hs[i] = (float) (gv / (1 + std::exp(-gv)) * uv);
                check(close(h[(b * k + s) * inter + i], hs[i], (mg + 1) * (mu + 1)), std::string("moe up ") + tname(t));
            }
            for (int r = 0; r < hidden; r++) { double md; want[r] += weights[b * k + s] * d.dot(e, r, hs.data(), &md); mag[r] += weights[b * k + s] * md; }
        }
        for (int r = 0; r < hidden; r++)
            check(close(y[b * hidden + r], y0[b * hidden + r] + want[r], mag[r] + std::fabs(y0[b * hidden + r])),
                  std::string("moe down ") + tname(t) + " b" + std::to_string(b) + " r" + std::to_string(r) + ": " + std::to_string(y[b * hidden + r]) + " vs " + std::to_string(y0[b * hidden + r] + want[r]));
    }
    // embedding rows
    int ids[] = {3, 0, 3, 1};
    Mat e(t, 4, hidden, 1);
    std::vector<float> ye(4 * hidden);
    emuLaunch(FNS[t].embed, EmuDim{4, 1, 1}, EmuDim{256, 1, 1}, 0, (const uint8_t*) e.data.data(), e.S(), (const int*) ids, ye.data(), hidden, (long long) hidden);
    for (int i = 0; i < 4; i++)
        for (int c = 0; c < hidden; c++) check(ye[i * hidden + c] == e.dec[ids[i] * hidden + c], std::string("embed ") + tname(t));
    printf("ffn/moe/embed %-5s ok so far (%d failures)\n", tname(t), failures);
}

static void testNormRope() {
    int n = 700, rows = 2;
    auto x = gaussVec(rows * n, 2.f), w = gaussVec(n, 1.f);
    std::vector<float> y(rows * n);
    emuLaunch(rr_rmsnorm, EmuDim{(unsigned) rows, 1, 1}, EmuDim{256, 1, 1}, 0, (const float*) x.data(), (long long) n, (const float*) w.data(), y.data(), (long long) n, n, 1e-6f);
    for (int r = 0; r < rows; r++) {
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (double) x[r * n + i] * x[r * n + i];
        double inv = 1 / std::sqrt(ss / n + 1e-6);
        for (int i = 0; i < n; i++) check(close(y[r * n + i], x[r * n + i] * inv * w[i], std::fabs(x[r * n + i] * inv * w[i]) + 1e-3), "rmsnorm");
    }
    // rope with YaRN (factor 40, original context 4096, beta 32/1, 64 dims), 3 tokens x 2 heads, stride 192, offset 128
    int nRot = 64, heads = 2, hd = 192, T = 3;
    float base = 10000, fs = 1 / 40.f;
    auto corr = [&](float nr) { return nRot * std::log(4096 / (nr * 2 * M_PI)) / (2 * std::log(base)); };
    float lo = std::max(0.f, std::floor((float) corr(32))), hi = std::min((float) nRot - 1, std::ceil((float) corr(1)));
    auto q = gaussVec(T * heads * hd, 1.f), q0 = q;
    int pos[] = {0, 5, 3000};
    emuLaunch(rr_rope_yarn, EmuDim{(unsigned) T, (unsigned) heads, 1}, EmuDim{32, 1, 1}, 0, q.data() + 128, (long long) heads * hd, (long long) hd, nRot,
              (const int*) pos, base, fs, 1.f, 1.f, lo, hi);
    for (int t = 0; t < T; t++)
        for (int h = 0; h < heads; h++)
            for (int i = 0; i < nRot / 2; i++) {
                double te = pos[t] * std::pow((double) base, -2.0 * i / nRot), ti = fs * te;
                double ramp = 1 - std::min(1.0, std::max(0.0, (i - lo) / std::max(0.001, (double) (hi - lo))));
                double th = ti * (1 - ramp) + te * ramp, ms = 1 + 0.1 * std::log(1 / fs);
                int at = (t * heads + h) * hd + 128 + 2 * i;
                double a = q0[at], b = q0[at + 1];
                check(std::fabs(q[at] - (a * std::cos(th) - b * std::sin(th)) * ms) < 2e-3 && std::fabs(q[at + 1] - (a * std::sin(th) + b * std::cos(th)) * ms) < 2e-3,
                      "rope t" + std::to_string(t) + " i" + std::to_string(i));
            }
    for (int t = 0; t < T; t++) check(q[t * heads * hd] == q0[t * heads * hd], "rope touched the nope part");
    printf("rmsnorm, rope: %d failures so far\n", failures);
}

static void testMla(int nKv, int tokensPerSplit) {
    int heads = 3, kvRank = 512, ropeDim = 64, ld = kvRank + ropeDim;
    int splits = (nKv + tokensPerSplit - 1) / tokensPerSplit;
    auto cache = gaussVec((size_t) nKv * ld, 1.f), qLat = gaussVec(heads * kvRank, 0.3f), qPe = gaussVec(heads * 192, 0.3f);
    float scale = 1 / std::sqrt(192.f);
    std::vector<float> part(heads * splits * kvRank), pm(heads * splits), ps(heads * splits), out(heads * kvRank);
    emuLaunch(rr_mla_decode_partial, EmuDim{(unsigned) heads, (unsigned) splits, 1}, EmuDim{256, 1, 1}, (size_t) 4 * (ld + 64),
              (const float*) qLat.data(), (long long) kvRank, (const float*) qPe.data() + 128, (long long) 192, (const float*) cache.data(), (long long) ld,
              nKv, kvRank, ropeDim, scale, tokensPerSplit, part.data(), pm.data(), ps.data());
    emuLaunch(rr_mla_decode_reduce, EmuDim{(unsigned) heads, 1, 1}, EmuDim{256, 1, 1}, 0, (const float*) part.data(), (const float*) pm.data(),
              (const float*) ps.data(), splits, kvRank, out.data(), (long long) kvRank);
    for (int h = 0; h < heads; h++) {
        std::vector<double> s(nKv);
        double mx = -1e300;
        for (int t = 0; t < nKv; t++) {
            double d = 0;
            for (int i = 0; i < kvRank; i++) d += (double) qLat[h * kvRank + i] * cache[t * ld + i];
            for (int i = 0; i < ropeDim; i++) d += (double) qPe[h * 192 + 128 + i] * cache[t * ld + kvRank + i];
            s[t] = d * scale; mx = std::max(mx, s[t]);
        }
        double sum = 0;
        for (auto& v : s) { v = std::exp(v - mx); sum += v; }
        for (int i = 0; i < kvRank; i++) {
            double o = 0;
            for (int t = 0; t < nKv; t++) o += s[t] / sum * cache[t * ld + i];
            check(close(out[h * kvRank + i], o, 1), "mla nKv " + std::to_string(nKv) + " h" + std::to_string(h) + " i" + std::to_string(i) + ": " + std::to_string(out[h * kvRank + i]) + " vs " + std::to_string(o));
        }
    }
    printf("mla nKv %d, %d splits: %d failures so far\n", nKv, splits, failures);
}

static void testGate(int n, int k, bool sigmoid, int groups, int topkGroups, bool top2, bool norm, float scale, bool bias) {
    int T = 3;
    auto logits = gaussVec(T * n, 1.f), b = gaussVec(n, 0.05f);
    std::vector<int> ex(T * k);
    std::vector<float> w(T * k);
    emuLaunch(rr_moe_gate, EmuDim{(unsigned) T, 1, 1}, EmuDim{256, 1, 1}, 0, (const float*) logits.data(), (long long) n, bias ? (const float*) b.data() : nullptr, n,
              sigmoid ? 1 : 0, groups, topkGroups, top2 ? 1 : 0, k, norm ? 1 : 0, scale, ex.data(), w.data());
    for (int t = 0; t < T; t++) {
        std::vector<double> sc(n), sel(n);
        double mx = -1e300, sum = 0;
        for (int e = 0; e < n; e++) mx = std::max(mx, (double) logits[t * n + e]);
        for (int e = 0; e < n; e++) { sc[e] = sigmoid ? 1 / (1 + std::exp(-logits[t * n + e])) : std::exp(logits[t * n + e] - mx); sum += sc[e]; }
        if (!sigmoid) for (auto& v : sc) v /= sum;
        for (int e = 0; e < n; e++) sel[e] = sc[e] + (bias ? b[e] : 0);
        if (groups > 1 && topkGroups < groups) {
            int per = n / groups;
            std::vector<std::pair<double, int>> gs;
            for (int g = 0; g < groups; g++) {
                std::vector<double> v(sel.begin() + g * per, sel.begin() + (g + 1) * per);
                std::sort(v.rbegin(), v.rend());
                gs.push_back({-(top2 ? v[0] + v[1] : v[0]), g});
            }
            std::sort(gs.begin(), gs.end());
            std::vector<bool> kept(groups);
            for (int r = 0; r < topkGroups; r++) kept[gs[r].second] = true;
            for (int e = 0; e < n; e++) if (!kept[e / per]) sel[e] = -1e300;
        }
        std::vector<int> idx(n);
        std::iota(idx.begin(), idx.end(), 0);
        std::stable_sort(idx.begin(), idx.end(), [&](int a, int c) { return sel[a] > sel[c]; });
        double ws = 0;
        for (int r = 0; r < k; r++) ws += sc[idx[r]];
        for (int r = 0; r < k; r++) {
            check(ex[t * k + r] == idx[r], "gate expert t" + std::to_string(t) + " r" + std::to_string(r) + ": " + std::to_string(ex[t * k + r]) + " vs " + std::to_string(idx[r]));
            double want = (norm ? sc[idx[r]] / ws : sc[idx[r]]) * scale;
            check(std::fabs(w[t * k + r] - want) < 1e-5 * scale, "gate weight");
        }
    }
    printf("moe gate n=%d k=%d %s groups %d/%d: %d failures so far\n", n, k, sigmoid ? "sigmoid" : "softmax", topkGroups, groups, failures);
}

static void testSampling() {
    int n = 5000, rows = 12;
    auto logits = gaussVec(rows * n, 2.5f);
    logits[5] = 30; logits[9] = 30;  // tie in row 0
    std::vector<float> temps(rows), tops(rows), us(rows), lps(rows), alp(rows);
    std::vector<int> ids(rows), aid(rows);
    for (int r = 0; r < rows; r++) { temps[r] = 0.4f + 0.1f * r; tops[r] = r % 4 == 0 ? 1.f : 0.6f + 0.1f * (r % 4); us[r] = (rnd32() % 10000) / 10000.f; }
    temps[rows - 1] = 1e-30f;  // x / T would overflow float: the kernel scales (x - max) instead
    tops[rows - 1] = 0.9f;
    emuLaunch(rr_argmax, EmuDim{(unsigned) rows, 1, 1}, EmuDim{1024, 1, 1}, 0, (const float*) logits.data(), (long long) n, n, aid.data(), alp.data());
    emuLaunch(rr_sample_top_p, EmuDim{(unsigned) rows, 1, 1}, EmuDim{1024, 1, 1}, 0, (const float*) logits.data(), (long long) n, n, (const float*) temps.data(),
              (const float*) tops.data(), (const float*) us.data(), ids.data(), lps.data());
    check(aid[0] == 5, "argmax tie goes to the lower index");
    for (int r = 0; r < rows; r++) {
        const float* l = logits.data() + r * n;
        int best = (int) (std::max_element(l, l + n) - l);
        double mx = l[best], s = 0;
        for (int i = 0; i < n; i++) s += std::exp(l[i] - mx);
        check(aid[r] == best && std::fabs(alp[r] + std::log(s)) < 1e-4, "argmax row " + std::to_string(r));
        std::vector<double> p(n);
        double sum = 0;
        for (int i = 0; i < n; i++) { p[i] = std::exp(((double) l[i] - mx) / temps[r]); sum += p[i]; }
        for (auto& v : p) v /= sum;
        std::vector<int> idx(n);
        std::iota(idx.begin(), idx.end(), 0);
        std::stable_sort(idx.begin(), idx.end(), [&](int a, int c) { return p[a] > p[c]; });
        std::vector<bool> kept(n);
        double mass = 0;
        for (int j = 0; j < n && (j == 0 || mass < tops[r]); j++) { kept[idx[j]] = true; mass += p[idx[j]]; }
        double target = us[r] * mass, run = 0;
        int pick = -1;
        for (int i = 0; i < n; i++) if (kept[i]) { pick = i; run += p[i]; if (run > target) break; }
        check(ids[r] == pick, "top-p row " + std::to_string(r) + ": " + std::to_string(ids[r]) + " vs " + std::to_string(pick));
        // the model's log-probability (temperature 1, before top-p), as for argmax and the host sampler
        check(pick >= 0 && std::fabs(lps[r] - (l[pick] - mx - std::log(s))) < 1e-3, "top-p logprob row " + std::to_string(r));
    }
    printf("argmax, top-p: %d failures so far\n", failures);
}

int main(int argc, char** argv) {
    bool quick = argc > 1 && std::string(argv[1]) == "--quick";
    for (int t = RR_F32; t <= RR_FP8; t++) {
        int cols = t == RR_Q4_K || t == RR_Q6_K ? 2304 : 512;  // 2304 = 9 super-blocks: more blocks than a lane group covers
        for (int batch : {1, 3, 8}) testMatmul(t, 37, cols, batch, 1);
        if (!quick) testMatmul(t, 9, cols, 2, 3);  // grouped (per-head) with group strides
    }
    // scalar fallbacks: F32 cols % 4 != 0, F16/BF16 cols % 8 != 0, Q8_0 odd block count, FP8 cols % 16 != 0
    testMatmul(RR_F32, 13, 30, 2, 1);
    testMatmul(RR_F16, 13, 36, 2, 1);
    testMatmul(RR_BF16, 13, 36, 2, 1);
    testMatmul(RR_Q8_0, 13, 96, 2, 1);
    testMatmul(RR_FP8, 130, 200, 2, 1);
    for (int t = RR_F32; t <= RR_FP8; t++) testFfnAndMoe(t);
    testNormRope();
    testMla(1, 64);
    testMla(300, 64);
    testMla(257, 100);
    testGate(64, 6, false, 1, 1, false, false, 1.f, false);
    testGate(256, 8, true, 8, 4, true, true, 2.5f, true);
    testGate(160, 3, false, 8, 3, false, false, 16.f, false);
    testSampling();
    printf("%d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
