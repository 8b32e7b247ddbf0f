package dev.reasoningrouter.fastpath.web;

import dev.reasoningrouter.pathserving.ChatCompletionsApiContract;

/** The shared chat completions contract on the fast path: the tiny model's top-k 2 runs with 1 expert. */
class ChatCompletionsApiTest extends ChatCompletionsApiContract {

    @Override
    protected String path() {
        return "fast";
    }

    @Override
    protected int expectedExperts() {
        return 1;
    }

    @Override
    protected String expertsReason() {
        return "tiny has top-k 2: the fast path uses max(1, 2/3) = 1";
    }
}
