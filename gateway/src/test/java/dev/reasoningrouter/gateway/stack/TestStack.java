package dev.reasoningrouter.gateway.stack;

import dev.reasoningrouter.kafka.KafkaTestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The real services the gateway's stack tests run against, started once per test JVM and shared by the test classes:
 * the broker ({@link KafkaTestBroker}), the classifier (with its Kafka routing stage), the fast path and the reasoning
 * path from their repackaged jars (with their Kafka job workers), and on demand a second fast path that stands in as
 * an OpenAI-compatible upstream. Stopped when the JVM exits.
 * Each test that stops a service (an outage) starts it again before it ends.
 *
 * <p>One stack per test JVM is the point of this class, hence its static state.
 */
public final class TestStack {
    private static TestStack instance;

    private final Path root;
    private final Path logs;
    private final String bootstrap;
    private final Map<String, String> env;
    private final ServiceJar classifier;
    private final ServiceJar fast;
    private final ServiceJar reasoning;
    private ServiceJar standIn;
    private final List<ServiceJar> services = new ArrayList<>();

    private TestStack() {
        root = Path.of(System.getProperty("rr.repo.root", ".."));
        logs = root.resolve("gateway/target/stack-logs");
        bootstrap = KafkaTestBroker.bootstrapServers();
        String run = UUID.randomUUID().toString().substring(0, 8);
        env = new HashMap<>(Map.of(
                "RR_KAFKA_BOOTSTRAP", bootstrap,
                // the path services share one copy of the default random-weight test model
                "RR_MODEL_CACHE_DIR", root.resolve("gateway/target/models").toString(),
                // a consumer group and transactional id of this run's own, so that other stacks on a shared broker
                // neither take its requests nor fence it
                "RR_CLASSIFIER_GROUP_ID", "rr-classifier-gateway-test-" + run,
                "RR_CLASSIFIER_TRANSACTIONAL_ID", "rr-classifier-gateway-test-" + run,
                "RR_MODEL_THREADS", "1"));
        classifier = service("classifier", "classifier");
        fast = service("fast-path", "fast-path", worker("fast", run));
        reasoning = service("reasoning-path", "reasoning-path", worker("reasoning", run));
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "rr-test-stack-stop"));
        startAll(List.of(classifier, fast, reasoning));
    }

    /** A path service's job worker: a consumer group and transactional ids of this run's own. */
    private static Map<String, String> worker(String path, String run) {
        String id = "rr-" + path + "-path-gateway-test-" + run;
        return Map.of("RR_KAFKA_JOBS_GROUPID", id, "RR_KAFKA_JOBS_TRANSACTIONALIDPREFIX", id);
    }

    public static synchronized TestStack get() {
        if (instance == null) {
            instance = new TestStack();
        }
        return instance;
    }

    private ServiceJar service(String name, String module) {
        return service(name, module, Map.of());
    }

    private ServiceJar service(String name, String module, Map<String, String> extraEnv) {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(extraEnv);
        ServiceJar s = new ServiceJar(name, root, module, KafkaTestBroker.freePort(), all, logs);
        services.add(s);
        return s;
    }

    private static void startAll(List<ServiceJar> services) {
        services.forEach(ServiceJar::start);
        CompletableFuture.allOf(services.stream()
                .map(s -> CompletableFuture.runAsync(() -> s.awaitHealthy(Duration.ofSeconds(240))))
                .toArray(CompletableFuture[]::new)).join();
    }

    public String bootstrap() {
        return bootstrap;
    }

    public Path root() {
        return root;
    }

    public ServiceJar classifier() {
        return classifier;
    }

    public ServiceJar fast() {
        return fast;
    }

    public ServiceJar reasoning() {
        return reasoning;
    }

    /** A second fast path service, to stand in as an OpenAI-compatible upstream (started on first use). */
    public synchronized ServiceJar standIn() {
        if (standIn == null) {
            // an HTTP upstream only: its job worker stays off, so that it takes no jobs from the real fast path
            standIn = service("stand-in-fast-path", "fast-path", Map.of("RR_KAFKA_JOBS_ENABLED", "false"));
            startAll(List.of(standIn));
        }
        return standIn;
    }

    private void stopAll() {
        services.forEach(ServiceJar::stop);
    }
}
