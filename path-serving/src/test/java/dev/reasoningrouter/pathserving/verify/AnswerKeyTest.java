package dev.reasoningrouter.pathserving.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class AnswerKeyTest {
    @Test
    void answersThatStateTheSameNumbersVoteTogether() {
        assertEquals(AnswerKey.of("42"), AnswerKey.of("The answer is 42."));
        assertEquals(AnswerKey.of("1,234"), AnswerKey.of("1234"));
        assertEquals(AnswerKey.of("3, 7, 12"), AnswerKey.of("[3, 7, 12]"));
        assertNotEquals(AnswerKey.of("3, 7, 12"), AnswerKey.of("7, 3, 12"));
        assertNotEquals(AnswerKey.of("-5"), AnswerKey.of("5"));
        assertEquals(AnswerKey.of("Paris"), AnswerKey.of("  paris. "));
    }
}
