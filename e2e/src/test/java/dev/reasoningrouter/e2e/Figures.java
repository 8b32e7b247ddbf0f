package dev.reasoningrouter.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The figures a run measured (counts, durations), written to {@code e2e/target/e2e-figures.txt} as they come. */
final class Figures {
    private static final Map<String, String> FIGURES = new TreeMap<>();

    private Figures() {}

    static synchronized void put(String key, Object value) {
        FIGURES.put(key, value instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : String.valueOf(value));
        StringBuilder b = new StringBuilder();
        FIGURES.forEach((k, v) -> b.append(k).append(" = ").append(v).append('\n'));
        try {
            Path file = Path.of(System.getProperty("rr.repo.root", ".")).resolve("e2e/target/e2e-figures.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, b.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
