package dev.reasoningrouter.classifier.training;

import dev.reasoningrouter.classifier.model.TextEmbedder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Memoises embeddings for the offline commands (train, loso), which embed the same texts many times;
 * optionally persisted under {@code target/} between runs. Encoding is deterministic, so the cache
 * only saves time. Not used by eval timing or the service.
 */
public final class CachingEmbedder implements TextEmbedder {
    private final TextEmbedder delegate;
    private final Path file;
    private final Map<String, EmbeddedText> cache = new HashMap<>();
    private int misses;

    /** @param file persistence file, or null to keep the cache in memory only */
    public CachingEmbedder(TextEmbedder delegate, Path file) {
        this.delegate = delegate;
        this.file = file;
        if (file != null && Files.isRegularFile(file)) {
            load();
        }
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public int dimension() {
        return delegate.dimension();
    }

    @Override
    public synchronized EmbeddedText embed(String text) {
        EmbeddedText e = cache.get(text);
        if (e == null) {
            e = delegate.embed(text);
            cache.put(text, e);
            misses++;
        }
        return e;
    }

    /** Writes the cache if anything new was embedded. */
    public synchronized void save() {
        if (file == null || misses == 0) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                out.writeInt(cache.size());
                for (var entry : cache.entrySet()) {
                    byte[] text = entry.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    out.writeInt(text.length);
                    out.write(text);
                    EmbeddedText e = entry.getValue();
                    out.writeInt(e.tokens());
                    out.writeInt(e.windows());
                    out.writeBoolean(e.truncated());
                    out.writeInt(e.vector().length);
                    for (float f : e.vector()) {
                        out.writeFloat(f);
                    }
                }
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            misses = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write embedding cache " + file, e);
        }
    }

    private void load() {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int size = in.readInt();
            for (int i = 0; i < size; i++) {
                byte[] text = in.readNBytes(in.readInt());
                int tokens = in.readInt();
                int windows = in.readInt();
                boolean truncated = in.readBoolean();
                float[] v = new float[in.readInt()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = in.readFloat();
                }
                cache.put(new String(text, java.nio.charset.StandardCharsets.UTF_8), new EmbeddedText(v, tokens, windows, truncated));
            }
        } catch (IOException e) {
            // A damaged cache is only lost time: start empty.
            cache.clear();
        }
    }
}
