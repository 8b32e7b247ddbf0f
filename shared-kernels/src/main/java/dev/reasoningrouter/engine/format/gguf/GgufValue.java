package dev.reasoningrouter.engine.format.gguf;

import java.util.List;

/**
 * One metadata value. Scalars hold a boxed Java value (unsigned types widened: UINT8/16 to Integer, UINT32 to
 * Long, UINT64 to Long bits); arrays hold a {@code List} of such values with {@code elementType} set.
 */
public record GgufValue(GgufValueType type, Object value, GgufValueType elementType) {

    public static GgufValue of(GgufValueType type, Object value) {
        return new GgufValue(type, value, null);
    }

    public static GgufValue string(String s) {
        return of(GgufValueType.STRING, s);
    }

    public static GgufValue u32(long v) {
        return of(GgufValueType.UINT32, v);
    }

    public static GgufValue i32(int v) {
        return of(GgufValueType.INT32, v);
    }

    public static GgufValue f32(float v) {
        return of(GgufValueType.FLOAT32, v);
    }

    public static GgufValue bool(boolean v) {
        return of(GgufValueType.BOOL, v);
    }

    public static GgufValue array(GgufValueType elementType, List<?> values) {
        return new GgufValue(GgufValueType.ARRAY, List.copyOf(values), elementType);
    }

    @SuppressWarnings("unchecked")
    public List<Object> list() {
        return (List<Object>) value;
    }
}
