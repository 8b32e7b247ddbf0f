package dev.reasoningrouter.gateway.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reasoningrouter.gateway.errors.OpenAiErrorHandler;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The batch endpoints' refusals of a request they cannot read, before any batch work (so no {@link BatchService}):
 * each is the client's 4xx in OpenAI's shape. A multipart upload without a boundary and a batch body that is not
 * JSON were once 500s.
 */
class BatchHandlerRequestTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final WebTestClient client = WebTestClient
            .bindToRouterFunction(new BatchHandler(null, JSON).routes())
            .handlerStrategies(HandlerStrategies.builder().exceptionHandler(new OpenAiErrorHandler()).build())
            .build();

    private static final String MULTIPART = "--abc\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
            + "--abc\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.jsonl\"\r\n\r\n{}\r\n--abc--\r\n";

    private JsonNode error(String method, String uri, String contentType, String body, int status) {
        EntityExchangeResult<byte[]> r = client.method(org.springframework.http.HttpMethod.valueOf(method)).uri(uri)
                .header("Content-Type", contentType).bodyValue(body.getBytes(StandardCharsets.UTF_8))
                .exchange().expectBody().returnResult();
        String text = new String(r.getResponseBodyContent(), StandardCharsets.UTF_8);
        assertThat(r.getStatus().value()).as(text).isEqualTo(status);
        JsonNode e = JSON.readTree(text).path("error");
        assertThat(e.path("message").asString()).isNotBlank();
        assertThat(e.has("type") && e.has("param") && e.has("code")).as(text).isTrue();
        return e;
    }

    @Test
    void aMultipartUploadWithoutABoundaryIs400() {
        assertThat(error("POST", "/v1/files", "multipart/form-data", MULTIPART, 400).path("message").asString()).contains("boundary");
    }

    @Test
    void aMultipartBodyThatIsCutOffIs400() {
        error("POST", "/v1/files", "multipart/form-data; boundary=abc", MULTIPART.substring(0, 60), 400);
    }

    @Test
    void anUploadThatIsNotMultipartIs415() {
        assertThat(error("POST", "/v1/files", "application/json", "{}", 415).path("code").asString()).isEqualTo("unsupported_media_type");
    }

    @Test
    void aBatchBodyThatIsNotJsonIs415() {
        String body = "{\"input_file_id\":\"file-x\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}";
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/xml", "application/json; charset=ISO-8859-1"}) {
            assertThat(error("POST", "/v1/batches", type, body, 415).path("code").asString()).as(type).isEqualTo("unsupported_media_type");
        }
    }
}
