package dev.reasoningrouter.gateway.upstream;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The upstreams and which of them answers each route, checked once at start-up so that a typo in configuration
 * stops the gateway with the key named instead of failing requests later.
 */
public final class UpstreamRegistry {
    public static final String FAST = "fast";
    public static final String REASONING = "reasoning";
    public static final List<String> ROUTES = List.of(FAST, REASONING);

    /**
     * What answers one route.
     *
     * @param fallback the route that answers when this one's upstream is unavailable, or null
     */
    public record RouteTarget(String route, Upstream upstream, String fallback, String description) {}

    private final Map<String, Upstream> upstreams;
    private final Map<String, RouteTarget> routes;

    public UpstreamRegistry(UpstreamProperties properties) {
        Map<String, Upstream> ups = new LinkedHashMap<>();
        properties.upstreams().forEach((name, s) -> ups.put(name, upstream(name, s)));
        this.upstreams = ups;
        Map<String, RouteTarget> rs = new LinkedHashMap<>();
        for (String route : ROUTES) {
            UpstreamProperties.RouteSettings s = properties.routes().get(route);
            if (s == null || blank(s.upstream())) {
                throw new IllegalArgumentException("rr.routes." + route + ".upstream must name the upstream that answers the "
                        + route + " route (one of " + ups.keySet() + ")");
            }
            Upstream up = ups.get(s.upstream());
            if (up == null) {
                throw new IllegalArgumentException("rr.routes." + route + ".upstream is '" + s.upstream()
                        + "', which is not a configured upstream (one of " + ups.keySet() + ")");
            }
            String fallback = blank(s.fallback()) ? null : s.fallback().trim();
            if (fallback != null && (!ROUTES.contains(fallback) || fallback.equals(route))) {
                throw new IllegalArgumentException("rr.routes." + route + ".fallback must be another route (" + ROUTES
                        + ") or empty, got '" + s.fallback() + "'");
            }
            rs.put(route, new RouteTarget(route, up, fallback, s.description()));
        }
        for (String route : properties.routes().keySet()) {
            if (!ROUTES.contains(route)) {
                throw new IllegalArgumentException("rr.routes." + route + ": unknown route; the routes are " + ROUTES);
            }
        }
        for (String name : ups.keySet()) {
            if (name.equals("auto") || ROUTES.contains(name)) {
                throw new IllegalArgumentException("rr.upstreams." + name + ": the names auto, fast and reasoning are the routes'");
            }
        }
        this.routes = rs;
    }

    private static Upstream upstream(String name, UpstreamProperties.UpstreamSettings s) {
        String prefix = "rr.upstreams." + name;
        if (s == null || blank(s.baseUrl())) {
            throw new IllegalArgumentException(prefix + ".base-url is required (an OpenAI-compatible base URL such as http://host:8000/v1)");
        }
        URI base;
        try {
            String url = s.baseUrl().trim();
            while (url.endsWith("/")) {
                url = url.substring(0, url.length() - 1);
            }
            base = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + ".base-url is not a URL: " + s.baseUrl());
        }
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException(prefix + ".base-url must be an http(s) URL, got " + s.baseUrl());
        }
        Upstream.Kind kind;
        try {
            kind = Upstream.Kind.valueOf((blank(s.kind()) ? "openai" : s.kind().trim()).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + ".kind must be 'path' or 'openai', got '" + s.kind() + "'");
        }
        if (blank(s.model())) {
            throw new IllegalArgumentException(prefix + ".model is required: the model name the upstream is sent");
        }
        String key = blank(s.apiKey()) ? null : s.apiKey().trim();
        return new Upstream(name, kind, base, s.model().trim(), key, s.description());
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    public RouteTarget route(String route) {
        RouteTarget t = routes.get(route);
        if (t == null) {
            throw new IllegalArgumentException("unknown route " + route);
        }
        return t;
    }

    /** The upstream called {@code name}, or null. */
    public Upstream upstream(String name) {
        return upstreams.get(name);
    }

    public List<Upstream> upstreams() {
        return new ArrayList<>(upstreams.values());
    }

    public List<RouteTarget> routes() {
        return new ArrayList<>(routes.values());
    }
}
