package dev.reasoningrouter.engine.format.gguf;

import dev.reasoningrouter.engine.tensor.GgmlType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes a GGUF v3 file: metadata, tensor infos, then each tensor's bytes at an aligned offset. Tensor bytes are
 * produced on demand by a filler writing straight into the memory-mapped output, so models larger than the heap can
 * be written. The file appears under its name only once complete (written to a temporary sibling, then moved).
 */
public final class GgufWriter {

    private record Pending(String name, long[] shape, GgmlType type, Consumer<MemorySegment> filler) {}

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<Pending> tensors = new ArrayList<>();
    private final int alignment;

    public GgufWriter() {
        this(GgufFile.DEFAULT_ALIGNMENT);
    }

    public GgufWriter(int alignment) {
        this.alignment = alignment;
        if (alignment != GgufFile.DEFAULT_ALIGNMENT) {
            metadata.put("general.alignment", GgufValue.u32(alignment));
        }
    }

    public GgufWriter put(String key, GgufValue value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds a tensor; {@code shape} is ggml's ne[] order; {@code filler} writes exactly its bytes into the segment given. */
    public GgufWriter addTensor(String name, long[] shape, GgmlType type, Consumer<MemorySegment> filler) {
        if (type.ggmlId() < 0) {
            throw new IllegalArgumentException(type + " cannot be stored in GGUF");
        }
        tensors.add(new Pending(name, shape.clone(), type, filler));
        return this;
    }

    public void write(Path out) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        Le le = new Le(header);
        le.i32(GgufFile.MAGIC);
        le.i32(3);
        le.i64(tensors.size());
        le.i64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            le.string(e.getKey());
            le.i32(e.getValue().type().id);
            le.value(e.getValue());
        }
        long[] offsets = new long[tensors.size()];
        long offset = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Pending t = tensors.get(i);
            le.string(t.name);
            le.i32(t.shape.length);
            long n = 1;
            for (long d : t.shape) {
                le.i64(d);
                n *= d;
            }
            le.i32(t.type.ggmlId());
            le.i64(offset);
            offsets[i] = offset;
            offset = GgufFile.align(offset + t.type.bytesFor(n), alignment);
        }
        byte[] head = header.toByteArray();
        long dataStart = GgufFile.align(head.length, alignment);
        long total = dataStart + offset;
        Path tmp = out.resolveSibling(out.getFileName() + ".partial");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
             Arena arena = Arena.ofConfined()) {
            ch.write(ByteBuffer.wrap(head));
            ch.truncate(total);
            if (total > head.length) {
                ch.write(ByteBuffer.wrap(new byte[1]), total - 1); // extend to full size before mapping
            }
            MemorySegment map = ch.map(FileChannel.MapMode.READ_WRITE, 0, total, arena);
            for (int i = 0; i < tensors.size(); i++) {
                Pending t = tensors.get(i);
                long n = 1;
                for (long d : t.shape) {
                    n *= d;
                }
                t.filler.accept(map.asSlice(dataStart + offsets[i], t.type.bytesFor(n)));
            }
            map.force();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static final class Le {
        final ByteArrayOutputStream out;
        final ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        Le(ByteArrayOutputStream out) {
            this.out = out;
        }

        void i32(int v) {
            buf.clear();
            buf.putInt(v);
            out.write(buf.array(), 0, 4);
        }

        void i64(long v) {
            buf.clear();
            buf.putLong(v);
            out.write(buf.array(), 0, 8);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            out.write(b, 0, b.length);
        }

        void value(GgufValue v) {
            if (v.type() == GgufValueType.ARRAY) {
                i32(v.elementType().id);
                i64(v.list().size());
                for (Object o : v.list()) {
                    scalar(v.elementType(), o);
                }
            } else {
                scalar(v.type(), v.value());
            }
        }

        void scalar(GgufValueType type, Object o) {
            switch (type) {
                case UINT8, INT8 -> out.write(((Number) o).intValue());
                case UINT16, INT16 -> {
                    int s = ((Number) o).intValue();
                    out.write(s & 0xFF);
                    out.write((s >> 8) & 0xFF);
                }
                case UINT32, INT32 -> i32(((Number) o).intValue());
                case FLOAT32 -> i32(Float.floatToRawIntBits(((Number) o).floatValue()));
                case BOOL -> out.write((Boolean) o ? 1 : 0);
                case STRING -> string((String) o);
                case UINT64, INT64 -> i64(((Number) o).longValue());
                case FLOAT64 -> i64(Double.doubleToRawLongBits(((Number) o).doubleValue()));
                case ARRAY -> throw new IllegalArgumentException("nested arrays are not written");
            }
        }
    }
}
