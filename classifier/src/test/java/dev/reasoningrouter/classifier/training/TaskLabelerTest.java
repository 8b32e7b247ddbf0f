package dev.reasoningrouter.classifier.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskLabelerTest {

    @Test
    void labelsFollowSourceAndOpeningWords() {
        assertThat(TaskLabeler.label(new Example("Tom has 3 apples...", true, "gsm8k"))).isEqualTo("math");
        assertThat(TaskLabeler.label(new Example("Find x.\nAnswer choices: A)1", true, "aqua-rat"))).isEqualTo("math");
        assertThat(TaskLabeler.label(new Example("Write a function to sort a list.", true, "mbpp"))).isEqualTo("code");
        assertThat(TaskLabeler.label(new Example("If it rains, ...", true, "logicbench"))).isEqualTo("logic");
        assertThat(TaskLabeler.label(new Example("tell me a joke", false, "clinc150"))).isEqualTo("chat");
        assertThat(TaskLabeler.label(new Example("Write a haiku about rain", false, "dolly-15k"))).isEqualTo("writing");
        assertThat(TaskLabeler.label(new Example("Classify each as a fruit or a vegetable: apple, leek", false, "dolly-15k")))
                .isEqualTo("other");
        assertThat(TaskLabeler.label(new Example("Who wrote Hamlet?", false, "dolly-15k"))).isEqualTo("knowledge");
        assertThat(TaskLabeler.label(new Example("If I have 3 boxes of 12 eggs...", true, "dolly-15k"))).isEqualTo("math");
        assertThat(TaskLabeler.label(new Example("Who is lying, the knight or the knave?", true, "dolly-15k"))).isEqualTo("logic");
        assertThat(TaskLabeler.label(new Example("anything", false, null))).isNull();
        assertThat(TaskLabeler.label(new Example("anything", false, "somewhere-else"))).isNull();
        assertThat(TaskLabeler.TASK_TYPES).containsExactly("math", "code", "logic", "knowledge", "writing", "chat", "other");
    }
}
