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
}
