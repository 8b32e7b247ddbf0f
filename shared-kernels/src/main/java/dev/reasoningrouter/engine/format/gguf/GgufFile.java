package dev.reasoningrouter.engine.format.gguf;

import dev.reasoningrouter.engine.format.ModelFormatException;
import dev.reasoningrouter.engine.tensor.GgmlType;
import dev.reasoningrouter.engine.tensor.WeightMatrix;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF (version 2 or 3) file, memory-mapped read-only: metadata, tensor infos and the tensors' bytes in place.
 * Files of any size (beyond 2 GiB) are handled through {@link MemorySegment}. Close it to unmap.
 */
public final class GgufFile implements AutoCloseable {

    public static final int MAGIC = 0x46554747; // "GGUF" little-endian
    public static final int DEFAULT_ALIGNMENT = 32;

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final int version;
    private final Map<String, GgufValue> metadata;
    private final Map<String, GgufTensorInfo> tensors;
    private final long dataStart;
    private final int alignment;

    private GgufFile(Path path, Arena arena, MemorySegment file, int version, Map<String, GgufValue> metadata,
                     Map<String, GgufTensorInfo> tensors, long dataStart, int alignment) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataStart = dataStart;
        this.alignment = alignment;
    }

    /** Maps and parses {@code path}; on any error nothing stays mapped. */
    public static GgufFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return parse(path, arena, seg);
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException("cannot read GGUF file " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static GgufFile parse(Path path, Arena arena, MemorySegment seg) {
        Reader r = new Reader(path, seg);
        int magic = r.i32("magic");
        if (magic != MAGIC) {
            throw new ModelFormatException("file " + path + " is not GGUF: magic is 0x" + Integer.toHexString(magic)
                    + ", expected 0x46554747 (\"GGUF\")");
        }
        int version = r.i32("version");
        if (version != 2 && version != 3) {
            throw new ModelFormatException("file " + path + ": GGUF version " + version + " is not supported, expected 2 or 3");
        }
        long nTensors = r.i64("tensor_count");
        long nKv = r.i64("metadata_kv_count");
        if (nTensors < 0 || nTensors > seg.byteSize() / 8 || nKv < 0 || nKv > seg.byteSize() / 8) {
            throw new ModelFormatException("file " + path + " is truncated or corrupt: the header claims " + nTensors
                    + " tensors and " + nKv + " metadata entries, more than a file of " + seg.byteSize() + " bytes can hold");
        }
        Map<String, GgufValue> meta = new LinkedHashMap<>();
        for (long i = 0; i < nKv; i++) {
            String key = r.string("metadata key #" + i);
            int typeId = r.i32("type of metadata key '" + key + "'");
            GgufValueType type = GgufValueType.of(typeId);
            if (type == null) {
                throw new ModelFormatException("file " + path + ": metadata key '" + key + "' has value type " + typeId
                        + ", expected 0..12");
            }
            meta.put(key, r.value(key, type));
        }
        int alignment = DEFAULT_ALIGNMENT;
        GgufValue a = meta.get("general.alignment");
        if (a != null) {
            long al = ((Number) a.value()).longValue();
            if (al <= 0 || (al & (al - 1)) != 0 || al > 1 << 20) {
                throw new ModelFormatException("file " + path + ": metadata key 'general.alignment' is " + al
                        + ", expected a power of two");
            }
            alignment = (int) al;
        }
        Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
        for (long i = 0; i < nTensors; i++) {
            String name = r.string("name of tensor #" + i);
            int nDims = r.i32("dimension count of tensor '" + name + "'");
            if (nDims < 1 || nDims > 4) {
                throw new ModelFormatException("file " + path + ": tensor '" + name + "' has " + nDims + " dimensions, expected 1..4");
            }
            long[] shape = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                shape[d] = r.i64("dimension " + d + " of tensor '" + name + "'");
                if (shape[d] <= 0) {
                    throw new ModelFormatException("file " + path + ": tensor '" + name + "' dimension " + d + " is " + shape[d] + ", expected > 0");
                }
            }
            int typeId = r.i32("type of tensor '" + name + "'");
            GgmlType type = GgmlType.fromGgmlId(typeId);
            if (type == null) {
                throw new ModelFormatException("file " + path + ": tensor '" + name + "' has ggml type " + typeId
                        + ", which this engine does not read; expected one of " + GgmlType.supportedGgmlNames());
            }
            long offset = r.i64("offset of tensor '" + name + "'");
            if (shape[0] % type.blockSize() != 0) {
                throw new ModelFormatException("file " + path + ": tensor '" + name + "' row length " + shape[0]
                        + " is not a multiple of the " + type + " block size " + type.blockSize());
            }
            if (offset % alignment != 0) {
                throw new ModelFormatException("file " + path + ": tensor '" + name + "' offset " + offset
                        + " is not aligned to " + alignment);
            }
            if (tensors.put(name, new GgufTensorInfo(name, shape, type, offset)) != null) {
                throw new ModelFormatException("file " + path + ": tensor '" + name + "' appears twice");
            }
        }
        long dataStart = align(r.pos, alignment);
        for (GgufTensorInfo t : tensors.values()) {
            long end = dataStart + t.offset() + t.byteSize();
            if (end > seg.byteSize()) {
                throw new ModelFormatException("file " + path + " is truncated: tensor '" + t.name() + "' (" + t.type() + " "
                        + t.shapeString() + ") needs bytes up to " + end + " but the file has " + seg.byteSize());
            }
        }
        return new GgufFile(path, arena, seg, version, Collections.unmodifiableMap(meta),
                Collections.unmodifiableMap(tensors), dataStart, alignment);
    }

    static long align(long v, int alignment) {
        return (v + alignment - 1) / alignment * alignment;
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public int alignment() {
        return alignment;
    }

    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    public Map<String, GgufTensorInfo> tensors() {
        return tensors;
    }

    public long fileSize() {
        return file.byteSize();
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    public GgufValue value(String key) {
        return metadata.get(key);
    }

    private GgufValue required(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            throw new ModelFormatException("file " + path + ": metadata key '" + key + "' is missing");
        }
        return v;
    }

    public long getLong(String key) {
        GgufValue v = required(key);
        if (!(v.value() instanceof Number n) || v.type() == GgufValueType.FLOAT32 || v.type() == GgufValueType.FLOAT64) {
            throw new ModelFormatException("file " + path + ": metadata key '" + key + "' is " + v.type() + ", expected an integer");
        }
        return n.longValue();
    }

    public long getLong(String key, long dflt) {
        return has(key) ? getLong(key) : dflt;
    }

    public int getInt(String key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ModelFormatException("file " + path + ": metadata key '" + key + "' is " + v + ", expected a 32-bit value");
        }
        return (int) v;
    }

    public int getInt(String key, int dflt) {
        return has(key) ? getInt(key) : dflt;
    }

    public double getDouble(String key, double dflt) {
        if (!has(key)) {
            return dflt;
        }
        GgufValue v = required(key);
        if (!(v.value() instanceof Number n)) {
            throw new ModelFormatException("file " + path + ": metadata key '" + key + "' is " + v.type() + ", expected a number");
        }
        return n.doubleValue();
    }

    public boolean getBool(String key, boolean dflt) {
        if (!has(key)) {
            return dflt;
        }
        GgufValue v = required(key);
        if (!(v.value() instanceof Boolean b)) {
            throw new ModelFormatException("file " + path + ": metadata key '" + key + "' is " + v.type() + ", expected BOOL");
        }
        return b;
    }

    public String getString(String key) {
        GgufValue v = required(key);
        if (!(v.value() instanceof String s)) {
            throw new ModelFormatException("file " + path + ": metadata key '" + key + "' is " + v.type() + ", expected STRING");
        }
        return s;
    }

    public String getString(String key, String dflt) {
        return has(key) ? getString(key) : dflt;
    }

    /** The bytes of a tensor, in place. */
    public MemorySegment tensorData(GgufTensorInfo t) {
        return file.asSlice(dataStart + t.offset(), t.byteSize());
    }

    public GgufTensorInfo tensor(String name) {
        GgufTensorInfo t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException("file " + path + ": tensor '" + name + "' is missing");
        }
        return t;
    }

    /**
     * A 2-D tensor as a matrix, checking its shape: {@code cols} = ne[0], {@code rows} = ne[1].
     */
    public WeightMatrix matrix(String name, long rows, long cols) {
        GgufTensorInfo t = tensor(name);
        long r = t.shape().length > 1 ? t.elementCount() / t.shape()[0] : 1;
        if (t.shape()[0] != cols || r != rows || (t.shape().length > 2 && t.shape()[2] != 1)) {
            throw new ModelFormatException("file " + path + ": tensor '" + name + "' has shape " + t.shapeString()
                    + ", expected [" + cols + ", " + rows + "]");
        }
        return WeightMatrix.of(name, t.type(), (int) rows, (int) cols, tensorData(t));
    }

    /** A 3-D tensor [cols, rows, n] as n matrices (stacked experts, per-head blocks). */
    public WeightMatrix[] matrices(String name, long n, long rows, long cols) {
        GgufTensorInfo t = tensor(name);
        long[] s = t.shape();
        if (s.length != 3 || s[0] != cols || s[1] != rows || s[2] != n) {
            throw new ModelFormatException("file " + path + ": tensor '" + name + "' has shape " + t.shapeString()
                    + ", expected [" + cols + ", " + rows + ", " + n + "]");
        }
        MemorySegment all = tensorData(t);
        long bytes = t.type().bytesFor(rows * cols);
        WeightMatrix[] out = new WeightMatrix[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = WeightMatrix.of(name + "[" + i + "]", t.type(), (int) rows, (int) cols, all.asSlice(i * bytes, bytes));
        }
        return out;
    }

    /** A 1-D F32 (or F16/BF16) vector copied to the heap (norm weights, biases: small). */
    public float[] vector(String name, long length) {
        GgufTensorInfo t = tensor(name);
        if (t.elementCount() != length || t.shape()[0] != length) {
            throw new ModelFormatException("file " + path + ": tensor '" + name + "' has shape " + t.shapeString()
                    + ", expected [" + length + "]");
        }
        float[] out = new float[(int) length];
        dev.reasoningrouter.engine.tensor.Dequant.row(WeightMatrix.of(name, t.type(), 1, (int) length, tensorData(t)), 0, out, 0);
        return out;
    }

    /** Reads the whole mapping once so that later reads neither fault pages in nor wait on the disk. */
    public void prefault() {
        file.load();
    }

    @Override
    public void close() {
        arena.close();
    }

    /** A bounds-checked little-endian cursor that names what it was reading when the file ends. */
    private static final class Reader {
        final Path path;
        final MemorySegment seg;
        long pos;

        Reader(Path path, MemorySegment seg) {
            this.path = path;
            this.seg = seg;
        }

        void need(long n, String what) {
            if (n < 0 || pos + n > seg.byteSize()) {
                throw new ModelFormatException("file " + path + " is truncated or corrupt: reading " + what + " at offset " + pos
                        + " needs " + n + " bytes, but the file has " + seg.byteSize());
            }
        }

        int i32(String what) {
            need(4, what);
            int v = seg.get(ValueLayout.JAVA_INT_UNALIGNED, pos);
            pos += 4;
            return v;
        }

        long i64(String what) {
            need(8, what);
            long v = seg.get(ValueLayout.JAVA_LONG_UNALIGNED, pos);
            pos += 8;
            return v;
        }

        String string(String what) {
            long len = i64(what + " (length)");
            need(len, what);
            byte[] b = new byte[(int) len];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, b, 0, (int) len);
            pos += len;
            return new String(b, StandardCharsets.UTF_8);
        }

        GgufValue value(String key, GgufValueType type) {
            if (type == GgufValueType.ARRAY) {
                int et = i32("element type of array '" + key + "'");
                GgufValueType elementType = GgufValueType.of(et);
                if (elementType == null || elementType == GgufValueType.ARRAY) {
                    throw new ModelFormatException("file " + path + ": metadata array '" + key + "' has element type " + et
                            + ", expected a scalar or string type 0..12 other than ARRAY");
                }
                long n = i64("length of array '" + key + "'");
                if (n < 0 || n > seg.byteSize() - pos) {
                    throw new ModelFormatException("file " + path + " is truncated or corrupt: metadata array '" + key + "' claims "
                            + n + " elements, more than the " + (seg.byteSize() - pos) + " bytes left");
                }
                List<Object> list = new ArrayList<>((int) n);
                for (long i = 0; i < n; i++) {
                    list.add(scalar(key + "[" + i + "]", elementType));
                }
                return new GgufValue(GgufValueType.ARRAY, Collections.unmodifiableList(list), elementType);
            }
            return GgufValue.of(type, scalar(key, type));
        }

        Object scalar(String key, GgufValueType type) {
            String what = "value of metadata key '" + key + "'";
            switch (type) {
                case UINT8: need(1, what); return seg.get(ValueLayout.JAVA_BYTE, pos++) & 0xFF;
                case INT8: need(1, what); return (int) seg.get(ValueLayout.JAVA_BYTE, pos++);
                case UINT16: { need(2, what); int v = seg.get(ValueLayout.JAVA_SHORT_UNALIGNED, pos) & 0xFFFF; pos += 2; return v; }
                case INT16: { need(2, what); int v = seg.get(ValueLayout.JAVA_SHORT_UNALIGNED, pos); pos += 2; return v; }
                case UINT32: return i32(what) & 0xFFFFFFFFL;
                case INT32: return i32(what);
                case FLOAT32: return Float.intBitsToFloat(i32(what));
                case BOOL: {
                    need(1, what);
                    int b = seg.get(ValueLayout.JAVA_BYTE, pos++);
                    if (b != 0 && b != 1) {
                        throw new ModelFormatException("file " + path + ": metadata key '" + key + "' BOOL byte is " + b + ", expected 0 or 1");
                    }
                    return b == 1;
                }
                case STRING: return string(what);
                case UINT64:
                case INT64: return i64(what);
                case FLOAT64: return Double.longBitsToDouble(i64(what));
                default: throw new IllegalStateException();
            }
        }
    }
}
