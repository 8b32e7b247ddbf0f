package dev.reasoningrouter.trainer.eval;

import dev.reasoningrouter.trainer.tasks.Task;

/** One held-out question answered in one mode. */
public record ItemResult(Task task, String mode, String reply, String answer, boolean correct, int promptTokens,
                         int completionTokens) {}
