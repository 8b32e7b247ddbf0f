package dev.reasoningrouter.gateway.playground;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reasoningrouter.gateway.stack.StackTestBase;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The playground as a person uses it, in headless Chromium: load the page, enter the key, send a prompt, and read the
 * streamed answer, the route and score, the experts per token, the active parameters, the thinking and the
 * verification rounds; and see a batch's progress in the batch view. On CI (where {@code .ci/run} installs Chromium)
 * a missing browser fails the test; elsewhere it skips it, saying why.
 */
class PlaygroundBrowserTest extends StackTestBase {

    @Test
    void aPromptSentFromThePageShowsTheStreamedAnswerAndHowItWasRouted() throws Exception {
        Path chromium = HeadlessChromium.find();
        if (chromium == null && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("Chromium is not installed; .ci/run installs Debian's chromium package");
        }
        assumeTrue(chromium != null, "no Chromium here (apt-get install chromium); the playground test needs one");

        // a batch of this key's, for the batch view to show
        String batch = batchOf("{\"custom_id\":\"p1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}}\n");
        assertThat(batch).startsWith("batch_");

        try (HeadlessChromium browser = new HeadlessChromium(chromium)) {
            browser.navigate(baseUrl() + "/");
            assertThat(browser.eval("document.title").asString()).contains("Reasoning Router");
            browser.eval("(() => { const k = document.getElementById('api-key'); k.value = '" + KEY + "';"
                    + " k.dispatchEvent(new Event('change')); document.getElementById('model').value = 'auto';"
                    + " document.getElementById('max-tokens').value = '6';"
                    + " document.getElementById('prompt').value = 'Prove that there are infinitely many primes.';"
                    + " document.getElementById('send').click(); return true; })()");
            browser.waitFor("['done'].includes(document.getElementById('status').textContent)"
                    + " || document.getElementById('status').textContent.startsWith('error')", Duration.ofSeconds(90));
            JsonNode page = browser.eval("(() => { const t = id => document.getElementById(id).textContent; return {"
                    + " status: t('status'), route: t('route'), source: t('route-source'), score: t('score'), degraded: t('degraded'),"
                    + " experts: t('experts'), active: t('active-params'), upstream: t('upstream'), usage: t('usage'),"
                    + " thinking: t('thinking'), answer: t('answer'), warning: t('warning'),"
                    + " verificationShown: !document.getElementById('verification-box').hidden,"
                    + " rounds: document.querySelectorAll('#verification tbody tr').length,"
                    + " summary: t('verification-summary') }; })()");
            browser.screenshot(Path.of("target", "playground.png"));

            assertThat(page.path("status").asString()).isEqualTo("done");
            assertThat(page.path("route").asString()).isEqualTo("reasoning");
            assertThat(page.path("source").asString()).isEqualTo("classifier");
            assertThat(page.path("score").asString()).matches("0\\.\\d{3} \\(threshold 0\\.\\d\\d\\)");
            assertThat(page.path("degraded").asString()).isEqualTo("no");
            assertThat(page.path("experts").asString()).matches("\\d+ of \\d+ trained");
            assertThat(page.path("active").asString()).matches("[\\d.]+ M of [\\d.]+ M");
            assertThat(page.path("upstream").asString()).isEqualTo("reasoning-path");
            assertThat(page.path("usage").asString()).matches("\\d+ in, \\d+ out");
            assertThat(page.path("thinking").asString()).contains("Round 1");
            assertThat(page.path("warning").asString()).contains("random-weight");
            assertThat(page.path("verificationShown").asBoolean()).isTrue();
            assertThat(page.path("rounds").asInt()).isPositive();
            assertThat(page.path("summary").asString()).contains("round(s)");

            // the batch view lists this key's batches with their progress
            // the batch view lists this key's batches with their progress; the real fast path's job worker finishes the
            // one line while the page is in use, so the row is waited on until it says so (the view refreshes itself)
            String rowText = "document.querySelector('#batches tr[data-batch=\"" + batch + "\"]')";
            browser.waitFor(rowText + " !== null && " + rowText + ".textContent.includes('completed')", Duration.ofSeconds(60));
            String row = browser.eval(rowText + ".textContent").asString();
            assertThat(row).contains("completed").contains("1 ok, 0 failed of 1");
        }
    }
}
