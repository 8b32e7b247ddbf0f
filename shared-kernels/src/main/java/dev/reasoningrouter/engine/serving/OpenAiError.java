package dev.reasoningrouter.engine.serving;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the OpenAI API would refuse, with the body it answers: {@code {"error":{"message","type","param","code"}}}.
 *
 * @param status the HTTP status (400 for bad input)
 */
public final class OpenAiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public OpenAiError(int status, String message, String type, String param, String code) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400 invalid_request_error about one parameter. */
    public static OpenAiError invalid(String param, String message) {
        return new OpenAiError(400, message, "invalid_request_error", param, param == null ? null : "invalid_value");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** The response body. */
    public Map<String, Object> body() {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("message", getMessage());
        e.put("type", type);
        e.put("param", param);
        e.put("code", code);
        return Map.of("error", e);
    }
}
