package dev.reasoningrouter.pathserving.api;

import dev.reasoningrouter.pathserving.core.PathProfile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import dev.reasoningrouter.contracts.OpenAiException;

/**
 * OpenAI's {@code GET /v1/models}: the path's name and the loaded model's id, both accepted as {@code model} in a
 * chat completion request, each with what it runs.
 */
@RestController
public class ModelsController {
    private final PathProfile profile;
    private final long created;

    public ModelsController(PathProfile profile) {
        this.profile = profile;
        this.created = System.currentTimeMillis() / 1000;
    }

    @GetMapping("/v1/models")
    public Map<String, Object> list() {
        return Map.of("object", "list", "data", List.of(model(profile.path()), model(profile.modelName())));
    }

    @GetMapping("/v1/models/{id}")
    public Map<String, Object> get(@PathVariable String id) {
        if (!id.equals(profile.path()) && !id.equals(profile.modelName())) {
            throw new OpenAiException(404, "The model '" + id + "' does not exist", "invalid_request_error", "model", "model_not_found");
        }
        return model(id);
    }

    private Map<String, Object> model(String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", "reasoning-router");
        m.put("rr", ChatResponses.rr(profile, null));
        return m;
    }
}
