package dev.reasoningrouter.classifier;

import dev.reasoningrouter.kafka.KafkaTestBroker;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One Spring context (one ONNX session) for every service test: the web server on a random port and
 * the routing stage on the real broker. The stage reads a requests topic of its own, so that a shared
 * broker's other traffic on {@code rr.requests} is neither consumed nor disturbed; it writes the real
 * job and dead-letter topics, which the tests filter by their own ids.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ServiceTestBase {
    protected static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    protected static final String REQUESTS_TOPIC = "rr.requests.test-" + RUN;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry r) {
        String bootstrap = KafkaTestBroker.bootstrapServers();
        createTopic(bootstrap, REQUESTS_TOPIC);
        r.add("spring.kafka.bootstrap-servers", () -> bootstrap);
        r.add("rr.classifier.kafka.requests-topic", () -> REQUESTS_TOPIC);
        r.add("rr.classifier.kafka.group-id", () -> "rr-classifier-test-" + RUN);
        r.add("rr.classifier.kafka.transactional-id", () -> "rr-classifier-test-" + RUN);
        // small transactions, so that a stop lands in the middle of a batch more often
        r.add("rr.classifier.kafka.max-poll-records", () -> "4");
        r.add("rr.classifier.max-batch-items", () -> "8");
        r.add("rr.classifier.max-body-bytes", () -> "65536");
    }

    private static void createTopic(String bootstrap, String name) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(name, 3, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + name, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
