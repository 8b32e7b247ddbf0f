package dev.reasoningrouter.classifier.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads {@code {"text","label"[,"source"]}} lines; a bad line fails with its number and the reason. */
public final class JsonlReader {
    private final JsonMapper mapper = JsonMapper.builder().build();

    public List<Example> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String where = file + ":" + (i + 1);
            JsonNode node;
            try {
                node = mapper.readTree(line);
            } catch (JacksonException e) {
                throw new IllegalArgumentException(where + ": not JSON: " + e.getOriginalMessage());
            }
            JsonNode text = node.get("text");
            JsonNode label = node.get("label");
            if (text == null || !text.isString() || text.asString().isBlank()) {
                throw new IllegalArgumentException(where + ": \"text\" must be a non-empty string");
            }
            if (label == null || !label.isString()) {
                throw new IllegalArgumentException(where + ": \"label\" must be \"reasoning\" or \"routine\"");
            }
            boolean reasoning = switch (label.asString()) {
                case Example.REASONING -> true;
                case Example.ROUTINE -> false;
                default -> throw new IllegalArgumentException(where + ": \"label\" must be \"reasoning\" or \"routine\", got \""
                        + label.asString() + "\"");
            };
            JsonNode source = node.get("source");
            out.add(new Example(text.asString(), reasoning, source != null && source.isString() ? source.asString() : null));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no examples");
        }
        return out;
    }
}
