package dev.reasoningrouter.engine.generate;

import dev.reasoningrouter.engine.model.LatentKvCache;
import dev.reasoningrouter.engine.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One sequence in flight: its cache, sampler, output so far and stop handling. Tokens that might still turn out to
 * be the start of a stop sequence (or text of a stop string) are held back from the stream until decided.
 */
final class SequenceRun {
    final GenerationRequest request;
    final TokenListener listener;
    final CancellationToken cancel;
    final LatentKvCache cache;
    final Sampler sampler;
    /** Its next tokens are chosen where the logits are (the model's {@code DeviceTokenChoice}), not from host logits. */
    final boolean choosesOnDevice;
    private final Tokenizer tokenizer;
    private final int eos;

    int[] out = new int[16];
    float[] lps = new float[16];
    int n;
    int emitted;
    int nextToken = -1;
    FinishReason finish;
    long prefillNanos;
    long decodeNanos;
    /** Log-probabilities of the request's probe tokens at the first generated position. */
    private float[] probeLogprobs = new float[0];

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private String text = "";
    private int emittedChars;
    private int stopCut = -1;
    /** The last token ended inside a character: hold it back so its text streams with it once complete. */
    private boolean pendingBytes;

    SequenceRun(GenerationRequest request, TokenListener listener, CancellationToken cancel, LatentKvCache cache,
                Tokenizer tokenizer, int eos, boolean choosesOnDevice) {
        this.choosesOnDevice = choosesOnDevice;
        this.request = request;
        this.listener = listener == null ? TokenListener.NONE : listener;
        this.cancel = cancel == null ? new CancellationToken() : cancel;
        this.cache = cache;
        this.sampler = new Sampler(request.sampling());
        this.tokenizer = tokenizer;
        this.eos = eos;
        if (!request.sampling().stopStrings().isEmpty() && tokenizer == null) {
            throw new IllegalArgumentException("stop strings need a tokenizer; this model has none available (use stop token ids)");
        }
    }

    boolean finished() {
        return finish != null;
    }

    /** Samples from {@code logits}, records the token and decides whether the sequence ends. */
    void accept(float[] logits) {
        int[] probes = request.probeTokens();
        if (n == 0 && probes.length > 0) {
            probeLogprobs = new float[probes.length];
            for (int i = 0; i < probes.length; i++) {
                probeLogprobs[i] = Sampler.logprob(logits, probes[i]);
            }
        }
        int t = sampler.sample(logits);
        accept(t, Sampler.logprob(logits, t));
    }

    /** Records token {@code t} (chosen already, e.g. on the device) with its log-probability and decides whether the sequence ends. */
    void accept(int t, float lp) {
        SamplingParams sp = request.sampling();
        if (t == eos && !sp.ignoreEos()) {
            finish(FinishReason.EOS);
            return;
        }
        if (n == out.length) {
            out = Arrays.copyOf(out, n * 2);
            lps = Arrays.copyOf(lps, n * 2);
        }
        out[n] = t;
        lps[n] = lp;
        n++;
        for (int[] stop : sp.stopTokenSequences()) {
            if (stop.length > 0 && endsWith(stop, stop.length)) {
                n -= stop.length;
                n = Math.max(n, emitted); // never retract what was streamed (cannot happen with the holdback)
                finish(FinishReason.STOP);
                return;
            }
        }
        if (tokenizer != null) {
            byte[] b = tokenizer.tokenBytes(t);
            bytes.write(b, 0, b.length);
            byte[] all = bytes.toByteArray();
            int complete = completeUtf8Length(all);
            text = new String(all, 0, complete, StandardCharsets.UTF_8);
            pendingBytes = complete < all.length;
            for (String s : sp.stopStrings()) {
                int at = text.indexOf(s);
                if (!s.isEmpty() && at >= 0 && (stopCut < 0 || at < stopCut)) {
                    stopCut = at;
                }
            }
            if (stopCut >= 0) {
                finish(FinishReason.STOP);
                return;
            }
        }
        if (n >= sp.maxTokens()) {
            finish(FinishReason.LENGTH);
            return;
        }
        nextToken = t;
        release(false);
    }

    void finish(FinishReason reason) {
        if (finish == null) {
            finish = reason;
            cache.close(); // a GPU model's cache holds device memory: return it as soon as the sequence ends
            if (tokenizer != null && stopCut < 0) {
                // at the end an unfinished character is final: decode every byte (invalid ones become U+FFFD)
                text = bytes.toString(StandardCharsets.UTF_8);
            }
            release(true);
        }
    }

    private boolean endsWith(int[] seq, int len) {
        if (n < len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (out[n - len + i] != seq[i]) {
                return false;
            }
        }
        return true;
    }

    private void release(boolean all) {
        int holdTokens = 0;
        int holdChars = 0;
        if (!all) {
            for (int[] stop : request.sampling().stopTokenSequences()) {
                for (int k = Math.min(stop.length - 1, n); k > holdTokens; k--) {
                    if (endsWith(stop, k)) {
                        holdTokens = k;
                        break;
                    }
                }
            }
            for (String s : request.sampling().stopStrings()) {
                for (int k = Math.min(s.length() - 1, text.length()); k > holdChars; k--) {
                    if (text.endsWith(s.substring(0, k))) {
                        holdChars = k;
                        break;
                    }
                }
            }
        }
        if (!all && pendingBytes) {
            holdTokens = Math.max(holdTokens, 1);
        }
        int upto = n - holdTokens;
        int textEnd = stopCut >= 0 ? stopCut : text.length() - holdChars;
        while (emitted < upto) {
            String piece = null;
            if (tokenizer != null) {
                piece = "";
                if (emitted == upto - 1 && textEnd > emittedChars) {
                    piece = text.substring(emittedChars, textEnd);
                    emittedChars = textEnd;
                }
            }
            listener.onToken(new GeneratedToken(emitted, out[emitted], lps[emitted], piece));
            emitted++;
        }
    }

    GenerationResult result() {
        String t = null;
        if (tokenizer != null) {
            t = stopCut >= 0 ? text.substring(0, stopCut) : text;
        }
        return new GenerationResult(Arrays.copyOf(out, n), Arrays.copyOf(lps, n), t, finish,
                request.promptTokens().length, request.budget().experts(), prefillNanos, decodeNanos, probeLogprobs.clone());
    }

    /** The length of the longest prefix of {@code b} that does not end inside a multi-byte character. */
    static int completeUtf8Length(byte[] b) {
        int end = b.length;
        // step back over an unfinished multi-byte character at the end
        for (int i = Math.max(0, b.length - 3); i < b.length; i++) {
            int lead = b[i] & 0xFF;
            int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            if (need > 1 && i + need > b.length) {
                end = i;
                break;
            }
        }
        return end;
    }
}
