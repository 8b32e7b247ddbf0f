package dev.reasoningrouter.classifier.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Reads and writes the model artifact (JSON). */
public final class ModelStore {
    /** Where the service finds the committed artifact on its classpath. */
    public static final String CLASSPATH_LOCATION = "model/complexity-model.json";
    /** Where {@code train} writes it by default, relative to the repository root. */
    public static final Path SOURCE_LOCATION = Path.of("classifier", "src", "main", "resources", "model", "complexity-model.json");

    private final JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public ComplexityModel read(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model " + path, e);
        }
    }

    public ComplexityModel readClasspath(String resource) {
        try (InputStream in = ModelStore.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("model " + resource + " is not on the classpath; run the train command");
            }
            return read(in, "classpath:" + resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model " + resource, e);
        }
    }

    private ComplexityModel read(InputStream in, String where) {
        try {
            ComplexityModel m = mapper.readValue(in, ComplexityModel.class);
            validate(m, where);
            return m;
        } catch (JacksonException e) {
            throw new IllegalStateException("model " + where + " is not a valid artifact: " + e.getOriginalMessage(), e);
        }
    }

    public void write(ComplexityModel model, Path path) {
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Files.writeString(path, toJson(model) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model " + path, e);
        }
    }

    public String toJson(ComplexityModel model) {
        return mapper.writeValueAsString(model);
    }

    private static void validate(ComplexityModel m, String where) {
        int k = m.structuralFeatures() == null ? -1 : m.structuralFeatures().size();
        if (m.route() == null || m.task() == null || m.taskTypes() == null || k < 0
                || m.structuralMean() == null || m.structuralMean().length != k
                || m.structuralStd() == null || m.structuralStd().length != k
                || m.task().weights().length != m.taskTypes().size()
                || !(m.threshold() >= 0 && m.threshold() <= 1)) {
            throw new IllegalStateException("model " + where + " is incomplete or inconsistent");
        }
    }
}
