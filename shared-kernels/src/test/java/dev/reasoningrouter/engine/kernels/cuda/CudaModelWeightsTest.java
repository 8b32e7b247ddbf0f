package dev.reasoningrouter.engine.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.reasoningrouter.engine.TestModels;
import dev.reasoningrouter.engine.model.LoadedModel;
import dev.reasoningrouter.engine.model.ModelConfig;
import dev.reasoningrouter.engine.model.ModelLoader;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tensor.WeightMatrix;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the CUDA model decides on the host before it touches a device: no GPU needed. */
class CudaModelWeightsTest {

    @TempDir
    Path dir;

    @Test
    void theKernelsShapeFollowsTheModelConfiguration() {
        ModelConfig c = TestModels.tinySigmoid(1).config();
        MlaMoeShape s = CudaModelWeights.shape(c);
        assertThat(s.gating()).isEqualTo(new MoeGating(true, c.nGroup(), c.topkGroup(), true, true, c.routedScalingFactor()));
        assertThat(s.attnScale()).isEqualTo((float) c.softmaxScale());
        assertThat(s.cacheRow()).isEqualTo(c.kvLoraRank() + c.qkRopeHeadDim());
        // YaRN on (factor 4): rope_yarn's magnitude attnFactor * (1 + 0.1 ln factor) cancels, as the CPU model rotates
        RopeYarn r = s.rope();
        assertThat(r.freqScale()).isEqualTo(1f / c.ropeScalingFactor());
        assertThat(r.attnFactor() * (1 + 0.1 * Math.log(1 / r.freqScale()))).isCloseTo(1.0, within(1e-6));
        // V2-style softmax gating without groups
        MlaMoeShape v2 = CudaModelWeights.shape(TestModels.tinySoftmaxQLora(1).config());
        assertThat(v2.gating().sigmoid()).isFalse();
        assertThat(v2.gating().groups()).isEqualTo(1);
        assertThat(v2.rope().extFactor()).isZero();
    }

    @Test
    void shapesTheKernelsDoNotTakeAreRefusedWithTheReason() {
        CudaModelWeights.checkShape(TestModels.tinySigmoid(1).config());
        ModelConfig p = TestModels.tinySigmoid(1).config();
        ModelConfig wide = new ModelConfig(p.vocabSize(), p.hiddenSize(), p.numLayers(), p.numHeads(), p.qLoraRank(), 2048,
                p.qkNopeHeadDim(), p.qkRopeHeadDim(), p.vHeadDim(), p.intermediateSize(), p.moeIntermediateSize(), p.nRoutedExperts(),
                p.nSharedExperts(), p.numExpertsPerTok(), p.firstKDenseReplace(), p.scoringFunc(), p.hasSelectionBias(),
                p.normTopKProb(), p.routedScalingFactor(), p.nGroup(), p.topkGroup(), p.topKMethodGroupSum(), p.rmsNormEps(),
                p.ropeTheta(), p.ropeScalingFactor(), p.ropeOriginalContext(), p.yarnBetaFast(), p.yarnBetaSlow(),
                p.yarnMscaleAllDim(), p.maxContext(), p.bosTokenId(), p.eosTokenId());
        assertThatThrownBy(() -> CudaModelWeights.checkShape(wide)).isInstanceOf(CudaUnavailableException.class)
                .hasMessage("the CUDA kernels do not take this model's shape: kv_lora_rank 2048 > 1024");
    }

    @Test
    void weightTypesWithoutKernelsAreNamedBeforeAnyUpload() {
        Path q4k = TestModels.writeGguf(TestModels.tinySigmoid(1), GgmlType.Q4_K, dir);
        try (LoadedModel lm = ModelLoader.load(q4k, 1)) {
            assertThatThrownBy(() -> CudaModelWeights.checkTypes(lm.weights())).isInstanceOf(CudaUnavailableException.class)
                    .hasMessageStartingWith("the CUDA kernels cannot read ")
                    .hasMessageContaining("'token_embd.weight' (Q5_0)").hasMessageContaining(" more;");
        }
        Path q8 = TestModels.writeGguf(TestModels.tinySigmoid(1), GgmlType.Q8_0, dir);
        try (LoadedModel lm = ModelLoader.load(q8, 1)) {
            CudaModelWeights.checkTypes(lm.weights());  // Q8_0 with its F16/F32 fallbacks: all readable
        }
    }

    @Test
    void fp8ViewsKeepTheirScalesOnlyWhenTheBlocksLineUp() {
        MemorySegment data = MemorySegment.ofArray(new byte[256 * 128]);
        MemorySegment scales = MemorySegment.ofArray(new float[2]);
        WeightMatrix full = new WeightMatrix("kv_b", GgmlType.FP8_E4M3_B128, 256, 128, data, scales, 0);
        assertThat(CudaModelWeights.scaleBlocksAlign(full)).isTrue();
        assertThat(CudaModelWeights.scaleBlocksAlign(full.rowRange(128, 128))).isTrue();   // a head on a block boundary
        assertThat(CudaModelWeights.scaleBlocksAlign(full.rowRange(16, 16))).isTrue();     // inside one block
        assertThat(CudaModelWeights.scaleBlocksAlign(full.rowRange(100, 56))).isFalse();   // straddles blocks 0 and 1
        assertThat(CudaModelWeights.scaleBlocksAlign(full.rowRange(64, 128))).isFalse();
    }
}
