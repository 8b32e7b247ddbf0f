package dev.reasoningrouter.engine.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The PTX resources the build wrote (when nvcc was there) hold every kernel the launchers call, for both targets. */
class KernelBuildTest {

    @Test
    void ptxHoldsEveryKernelTheLaunchersUse() {
        KernelBuild build = KernelBuild.ofClasspath();
        assumeTrue(build.present(), "no PTX in this build: " + build.describe());
        for (String target : new String[] {"90", "80"}) {
            String resource = KernelBuild.resourceFor(Integer.parseInt(target.substring(0, 1))).orElseThrow();
            String ptx = new String(CudaModule.readResource(resource), StandardCharsets.US_ASCII);
            assertThat(ptx).contains(".target sm_" + target);
            Matcher m = Pattern.compile("\\.visible \\.entry (\\w+)\\(").matcher(ptx);
            Set<String> entries = m.results().map(r -> r.group(1)).collect(Collectors.toSet());
            assertThat(entries).as(resource).containsAll(CudaKernels.kernelNames());
            assertThat(entries).hasSize(build.entries());
        }
    }

    @Test
    void resourceChoiceFollowsComputeCapability() {
        assertThat(KernelBuild.resourceFor(9)).contains("/cuda/rr_kernels_cc90.ptx");
        assertThat(KernelBuild.resourceFor(10)).contains("/cuda/rr_kernels_cc90.ptx");
        assertThat(KernelBuild.resourceFor(8)).contains("/cuda/rr_kernels_cc80.ptx");
        assertThat(KernelBuild.resourceFor(7)).isEmpty();
    }

    @Test
    void olderDriversGetThePtxIsaTheyUnderstand() {
        assertThat(CudaModule.ptxIsaOfDriver(13000)).isEqualTo("9.0");
        assertThat(CudaModule.ptxIsaOfDriver(12040)).isEqualTo("8.4");
        assertThat(CudaModule.ptxIsaOfDriver(12080)).isEqualTo("8.7");
        assertThat(CudaModule.ptxIsaOfDriver(11080)).isEqualTo("7.8");
        assertThat(CudaModule.compareIsa("9.0", "8.4")).isPositive();
        assertThat(CudaModule.compareIsa("8.4", "8.4")).isZero();
        byte[] ptx = ".version 9.0\n.target sm_90\n\0".getBytes(StandardCharsets.US_ASCII);
        byte[] lowered = CudaModule.withIsa(ptx, "8.4");
        assertThat(new String(lowered, StandardCharsets.US_ASCII)).isEqualTo(".version 8.4\n.target sm_90\n\0");
    }
}
