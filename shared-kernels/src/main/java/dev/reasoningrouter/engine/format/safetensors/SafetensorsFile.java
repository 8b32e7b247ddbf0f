package dev.reasoningrouter.engine.format.safetensors;

import dev.reasoningrouter.engine.format.ModelFormatException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One {@code .safetensors} file, memory-mapped: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the data. Every range is checked against the file.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** A tensor entry: dtype as written ("BF16", "F8_E4M3", ...), torch shape, bytes in place. */
    public record Entry(String name, String dtype, long[] shape, MemorySegment data) {
        public long elementCount() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Path path;
    private final Arena arena;
    private final Map<String, Entry> tensors;

    private SafetensorsFile(Path path, Arena arena, Map<String, Entry> tensors) {
        this.path = path;
        this.arena = arena;
        this.tensors = tensors;
    }

    public static int dtypeBytes(String dtype) {
        return switch (dtype) {
            case "F32", "I32" -> 4;
            case "F16", "BF16", "I16" -> 2;
            case "F8_E4M3", "U8", "I8", "BOOL" -> 1;
            case "F64", "I64" -> 8;
            default -> -1;
        };
    }

    public static SafetensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            if (size < 8) {
                throw new ModelFormatException("file " + path + " is truncated: " + size + " bytes, expected at least the 8-byte header length");
            }
            long headerLen = seg.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            if (headerLen <= 0 || headerLen > size - 8 || headerLen > (100L << 20)) {
                throw new ModelFormatException("file " + path + ": header length " + headerLen + " does not fit a file of " + size
                        + " bytes (expected a safetensors file)");
            }
            byte[] hb = new byte[(int) headerLen];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, 8, hb, 0, hb.length);
            JsonNode header;
            try {
                header = JsonMapper.builder().build().readTree(new String(hb, StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                throw new ModelFormatException("file " + path + ": the JSON header does not parse: " + e.getMessage(), e);
            }
            long dataStart = 8 + headerLen;
            Map<String, Entry> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : header.properties()) {
                String name = e.getKey();
                if (name.equals("__metadata__")) {
                    continue;
                }
                JsonNode t = e.getValue();
                String dtype = t.path("dtype").asString("");
                int eb = dtypeBytes(dtype);
                if (eb < 0) {
                    throw new ModelFormatException("file " + path + ": tensor '" + name + "' has dtype '" + dtype
                            + "', expected one of F32, F16, BF16, F8_E4M3");
                }
                JsonNode shapeNode = t.path("shape");
                JsonNode offs = t.path("data_offsets");
                if (!shapeNode.isArray() || !offs.isArray() || offs.size() != 2) {
                    throw new ModelFormatException("file " + path + ": tensor '" + name + "' lacks a shape array or a [begin, end] data_offsets pair");
                }
                long[] shape = new long[shapeNode.size()];
                long n = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeNode.get(i).asLong();
                    n *= shape[i];
                }
                long begin = offs.get(0).asLong(), end = offs.get(1).asLong();
                if (end - begin != n * eb) {
                    throw new ModelFormatException("file " + path + ": tensor '" + name + "' spans " + (end - begin) + " bytes, expected "
                            + n * eb + " for " + dtype + " " + java.util.Arrays.toString(shape));
                }
                if (begin < 0 || dataStart + end > size) {
                    throw new ModelFormatException("file " + path + " is truncated: tensor '" + name + "' needs bytes up to "
                            + (dataStart + end) + " but the file has " + size);
                }
                out.put(name, new Entry(name, dtype, shape, seg.asSlice(dataStart + begin, end - begin)));
            }
            return new SafetensorsFile(path, arena, Collections.unmodifiableMap(out));
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException("cannot read safetensors file " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Reads every tensor's bytes once so that later reads neither fault pages in nor wait on the disk. */
    public void prefault() {
        for (Entry e : tensors.values()) {
            e.data().load();
        }
    }

    public Path path() {
        return path;
    }

    public Map<String, Entry> tensors() {
        return tensors;
    }

    @Override
    public void close() {
        arena.close();
    }
}
