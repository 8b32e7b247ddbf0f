package dev.reasoningrouter.contracts;

/**
 * OpenAI's error body, {@code {"error":{"message","type","param","code"}}}: the one shape every service of the
 * platform answers errors in, over HTTP and inside batch error files.
 */
public record OpenAiError(Detail error) {

    /**
     * @param type  OpenAI's error type, e.g. {@code invalid_request_error}, {@code authentication_error},
     *              {@code rate_limit_error}, {@code server_error}
     * @param param the request parameter at fault, or null
     * @param code  a machine-readable code, or null
     */
    public record Detail(String message, String type, String param, String code) {}

    public static OpenAiError of(String message, String type, String param, String code) {
        return new OpenAiError(new Detail(message, type, param, code));
    }

    public String message() {
        return error.message();
    }
}
