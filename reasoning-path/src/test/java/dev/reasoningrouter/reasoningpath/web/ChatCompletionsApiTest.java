package dev.reasoningrouter.reasoningpath.web;

import dev.reasoningrouter.pathserving.ChatCompletionsApiContract;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The shared chat completions contract on the reasoning path: the trained top-k 2, whatever rr.fast.experts says. */
class ChatCompletionsApiTest extends ChatCompletionsApiContract {

    @DynamicPropertySource
    static void fastSettingMustNotLeak(DynamicPropertyRegistry r) {
        // a fast-path setting must not leak into this path
        r.add("rr.fast.experts", () -> "1");
    }

    @Override
    protected String path() {
        return "reasoning";
    }

    @Override
    protected int expectedExperts() {
        return 2;
    }

    @Override
    protected String expertsReason() {
        return "the reasoning path uses the trained top-k 2 (the fast path uses 1)";
    }
}
