package dev.reasoningrouter.gateway.api;

import dev.reasoningrouter.contracts.OpenAiException;
import dev.reasoningrouter.gateway.upstream.Upstream;
import dev.reasoningrouter.gateway.upstream.UpstreamRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models a client may name: {@code auto} (the classifier picks the route), the routes {@code fast} and
 * {@code reasoning} (forced), and every configured upstream by its name (sent straight to it). {@code GET /v1/models}
 * lists them with what each means.
 */
public final class ModelCatalog {
    public static final String AUTO = "auto";

    /** What a requested model resolves to. */
    public sealed interface Target {
        /** The classifier decides. */
        record Auto() implements Target {}

        /** The client forced a route. */
        record Route(String route) implements Target {}

        /** The client named an upstream: no routing, no fallback. */
        record Direct(Upstream upstream) implements Target {}
    }

    private final UpstreamRegistry upstreams;
    private final long created = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();

    public ModelCatalog(UpstreamRegistry upstreams) {
        this.upstreams = upstreams;
    }

    /** Resolves a request's {@code model} (null = {@code auto}); an unknown name is OpenAI's 404 {@code model_not_found}. */
    public Target resolve(String model) {
        if (model == null || model.equals(AUTO)) {
            return new Target.Auto();
        }
        if (UpstreamRegistry.ROUTES.contains(model)) {
            return new Target.Route(model);
        }
        Upstream up = upstreams.upstream(model);
        if (up != null) {
            return new Target.Direct(up);
        }
        throw new OpenAiException(404, "The model '" + model + "' does not exist. Use 'auto' (the gateway picks the path), "
                + "'fast', 'reasoning' or an upstream listed by GET /v1/models.", "invalid_request_error", "model", "model_not_found");
    }

    /** OpenAI's model list, each entry with an {@code rr} object saying what it means. */
    public Map<String, Object> list() {
        List<Map<String, Object>> data = new ArrayList<>();
        var fast = upstreams.route(UpstreamRegistry.FAST);
        var reasoning = upstreams.route(UpstreamRegistry.REASONING);
        data.add(model(AUTO, "The gateway asks the classifier how complex the request is and sends it to the fast or the "
                + "reasoning route (the cheapest adequate path); a request may bring its own threshold in rr.threshold.",
                Map.of("kind", "router", "routes", List.of(fast.route(), reasoning.route()))));
        for (var route : upstreams.routes()) {
            String meaning = route.description() != null ? route.description() : "The " + route.route() + " route, forced.";
            Map<String, Object> rr = new LinkedHashMap<>();
            rr.put("kind", "route");
            rr.put("upstream", route.upstream().name());
            rr.put("upstream_model", route.upstream().model());
            rr.put("fallback", route.fallback());
            data.add(model(route.route(), meaning, rr));
        }
        for (Upstream up : upstreams.upstreams()) {
            Map<String, Object> rr = new LinkedHashMap<>();
            rr.put("kind", "upstream");
            rr.put("upstream_kind", up.kind().name().toLowerCase(java.util.Locale.ROOT));
            rr.put("upstream_model", up.model());
            rr.put("serves_routes", upstreams.routes().stream().filter(r -> r.upstream().name().equals(up.name()))
                    .map(UpstreamRegistry.RouteTarget::route).toList());
            data.add(model(up.name(), up.description() != null ? up.description()
                    : "The upstream '" + up.name() + "' (model " + up.model() + "), called directly: no routing, no fallback.", rr));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", "list");
        out.put("data", data);
        return out;
    }

    private Map<String, Object> model(String id, String description, Map<String, Object> rr) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", "reasoning-router");
        m.put("description", description);
        m.put("rr", rr);
        return m;
    }
}
