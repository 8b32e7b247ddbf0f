package dev.reasoningrouter.pathserving.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ThinkingSplitterTest {

    static String[] split(boolean thinking, String... deltas) {
        StringBuilder t = new StringBuilder();
        StringBuilder a = new StringBuilder();
        ThinkingSplitter s = new ThinkingSplitter(new DraftListener() {
            @Override
            public void thinking(String delta) {
                t.append(delta);
            }

            @Override
            public void answer(String delta) {
                a.append(delta);
            }
        }, thinking);
        for (String d : deltas) {
            s.accept(d);
        }
        s.finish();
        return new String[] {t.toString(), a.toString()};
    }

    @Test
    void theClosingTagSplitsThinkingFromAnswerWhereverTheDeltasBreak() {
        String reply = "17 * 23 = 17 * 20 + 17 * 3 = 340 + 51</think>\n\n391";
        for (int cut = 0; cut <= reply.length(); cut++) {
            for (int cut2 = cut; cut2 <= reply.length(); cut2 += 3) {
                String[] r = split(true, reply.substring(0, cut), reply.substring(cut, cut2), reply.substring(cut2));
                assertEquals(List.of("17 * 23 = 17 * 20 + 17 * 3 = 340 + 51", "391"), List.of(r[0], r[1]), cut + "/" + cut2);
            }
        }
    }

    @Test
    void textThatOnlyLooksLikeTheTagStartIsThinkingAndAReplyWithoutTheTagIsAllThinking() {
        assertEquals(List.of("a </th b </", ""), List.of(split(true, "a </th", " b </")));
        assertEquals(List.of("", "just an answer"), List.of(split(false, "just ", "an answer")));
    }
}
