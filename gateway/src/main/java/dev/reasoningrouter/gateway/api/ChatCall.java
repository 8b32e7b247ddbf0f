package dev.reasoningrouter.gateway.api;

import tools.jackson.databind.node.ObjectNode;

/**
 * A checked chat completion request, as the gateway's filters hand it on (exchange attribute {@link #ATTRIBUTE}).
 *
 * @param body             the client's body, untouched (each upstream gets its own rewritten copy)
 * @param requestedModel   what the client asked for ({@code auto} when it named none)
 * @param target           what that model resolves to
 * @param stream           {@code stream: true}
 * @param threshold        {@code rr.threshold}: the client's route threshold in [0, 1], or null
 * @param escalate         {@code rr.escalate}: false when the client turned escalation off for this request
 * @param text             the last user message's text (what the classifier scores), possibly empty
 * @param promptTokens     an estimate of the prompt's tokens (about four characters a token)
 * @param completionTokens the most tokens the answer may have ({@code max_tokens}, else the paths' default)
 */
public record ChatCall(ObjectNode body, String requestedModel, ModelCatalog.Target target, boolean stream, Double threshold,
                       boolean escalate, String text, long promptTokens, long completionTokens) {
    public static final String ATTRIBUTE = "rr.chatCall";

    /** The most tokens this request may use, for the tokens-per-minute limit (settled against the real usage after). */
    public long tokenEstimate() {
        return promptTokens + completionTokens;
    }
}
