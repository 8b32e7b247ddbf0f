package dev.reasoningrouter.engine.kernels.cuda;

/**
 * One decoder layer's weights on the device. Norm weights are float32 slices. Layouts (as llama.cpp's deepseek2
 * GGUF stores them): {@code kB} is per head [kvRank x nope] (attn_k_b), {@code vB} per head [vDim x kvRank]
 * (attn_v_b), each with {@code groups = heads}; routed experts are [experts x rows x cols] with
 * {@code groups = experts}; {@code router} is [experts x hidden]. A dense layer has null router/shared fields
 * and 1-group gate/up/down; {@code qA}/{@code qANorm} are null without q-LoRA; {@code q} is q_b or q_proj.
 */
public record DecoderLayerWeights(DeviceSlice attnNorm, DeviceMatrix qA, DeviceSlice qANorm, DeviceMatrix q, DeviceMatrix kvA,
                                  DeviceSlice kvANorm, DeviceMatrix kB, DeviceMatrix vB, DeviceMatrix out, DeviceSlice ffnNorm,
                                  DeviceMatrix router, DeviceSlice routerBias, DeviceMatrix gate, DeviceMatrix up, DeviceMatrix down,
                                  DeviceMatrix sharedGate, DeviceMatrix sharedUp, DeviceMatrix sharedDown) {

    public boolean moe() { return router != null; }

    /** Weight bytes one token reads in this layer with {@code k} routed experts. */
    public long activeBytes(int k) {
        long b = q.bytes() + kvA.bytes() + kB.bytes() + vB.bytes() + out.bytes() + (qA == null ? 0 : qA.bytes());
        if (!moe()) return b + gate.bytes() + up.bytes() + down.bytes();
        return b + router.bytes() + (long) k * (gate.groupBytes() + up.groupBytes() + down.groupBytes())
                + (sharedGate == null ? 0 : sharedGate.bytes() + sharedUp.bytes() + sharedDown.bytes());
    }
}
