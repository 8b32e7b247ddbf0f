package dev.reasoningrouter.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One way of sending the queries through the gateway.
 *
 * @param name        the route's name in the report
 * @param model       the {@code model} of the request ({@code auto}, {@code fast}, {@code reasoning})
 * @param rr          the request's {@code rr} extension (empty: none)
 * @param description what it means, for the report
 */
public record Route(String name, String model, Map<String, Object> rr, String description) {
    public static final Route AUTO = new Route("auto", "auto", Map.of(),
            "the classifier picks fast or reasoning; low-confidence fast answers are escalated to reasoning");
    public static final Route FAST = new Route("fast", "fast", Map.of(),
            "always the fast path: 1 routed expert per token, no thinking");
    public static final Route REASONING = new Route("reasoning", "reasoning", Map.of(),
            "always the reasoning path: full top-k, thinking, the verification loop (learner, critic, refine)");
    public static final Route REASONING_SINGLE = new Route("reasoning-single", "reasoning", Map.of("verify", false),
            "the reasoning path without verification (\"rr\":{\"verify\":false}): one thinking draft, no critic");

    public static final List<Route> ALL = List.of(AUTO, FAST, REASONING, REASONING_SINGLE);

    /** The routes named in a comma-separated list. */
    public static List<Route> parse(String names) {
        List<Route> out = new ArrayList<>();
        for (String n : names.split(",")) {
            String name = n.strip();
            Route r = ALL.stream().filter(x -> x.name.equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                    "unknown route '" + name + "'; known: auto, fast, reasoning, reasoning-single"));
            if (out.contains(r)) {
                throw new IllegalArgumentException("route '" + name + "' named twice");
            }
            out.add(r);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no routes");
        }
        return out;
    }
}
