package dev.reasoningrouter.gateway.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reasoningrouter.contracts.OpenAiException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/** A body type the JSON endpoints cannot take, or cannot even parse, is the client's 415, never a 500. */
class RequestContentTypeTest {
    private static HttpHeaders type(String value) {
        HttpHeaders h = new HttpHeaders();
        if (value != null) {
            h.set(HttpHeaders.CONTENT_TYPE, value);
        }
        return h;
    }

    @Test
    void jsonInUtf8OrNoTypeAtAllIsAccepted() {
        for (String ok : new String[] {null, "application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8"}) {
            RequestContentType.requireJson(type(ok), "POST /x");
        }
    }

    @Test
    void anythingElseIs415() {
        for (String bad : new String[] {"text/plain", "application/xml", "multipart/form-data; boundary=x",
                "application/json; charset=ISO-8859-1", "application/json; charset=nonsense", "not a media type", "/", ";;"}) {
            assertThatThrownBy(() -> RequestContentType.requireJson(type(bad), "POST /x")).as(bad)
                    .isInstanceOfSatisfying(OpenAiException.class, e -> {
                        assertThat(e.status()).isEqualTo(415);
                        assertThat(e.body().error().code()).isEqualTo("unsupported_media_type");
                    });
        }
    }
}
