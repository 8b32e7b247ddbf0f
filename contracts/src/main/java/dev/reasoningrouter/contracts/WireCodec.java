package dev.reasoningrouter.contracts;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON encoding of the wire records. Records travel as UTF-8 JSON strings so that every stage can
 * tell a malformed payload apart and dead-letter it with the reason.
 */
public final class WireCodec {
    private final JsonMapper mapper;

    public WireCodec() {
        this.mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    public String encode(Object value) {
        return mapper.writeValueAsString(value);
    }

    /** Decodes {@code json}; throws {@link MalformedRecordException} with a readable reason. */
    public <T> T decode(String json, Class<T> type) {
        if (json == null || json.isBlank()) {
            throw new MalformedRecordException("empty payload, expected a JSON " + type.getSimpleName());
        }
        try {
            T value = mapper.readValue(json, type);
            if (value == null) {
                throw new MalformedRecordException("payload is JSON null, expected a " + type.getSimpleName());
            }
            return value;
        } catch (JacksonException e) {
            throw new MalformedRecordException("not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage());
        }
    }

    /** A payload that cannot be decoded into the expected record. */
    public static final class MalformedRecordException extends RuntimeException {
        public MalformedRecordException(String message) {
            super(message);
        }
    }
}
