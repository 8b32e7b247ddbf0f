package dev.reasoningrouter.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real broker for integration tests: {@code KafkaTestBroker.bootstrapServers()}.
 *
 * <p>When {@code RR_KAFKA_BOOTSTRAP} (or the system property {@code rr.kafka.bootstrap}) is set, as
 * {@code ./rr test} and CI do, tests use that broker; otherwise the first call starts a private broker
 * for this JVM on free ports, stopped when the JVM exits (and by itself if the JVM dies). Tests share
 * the broker, so each test uses its own ids and consumer groups and filters what it reads by them.
 *
 * <p>One broker per test JVM is the point of this class, hence its one piece of static state.
 */
public final class KafkaTestBroker {
    private static String bootstrap;

    private KafkaTestBroker() {}

    public static synchronized String bootstrapServers() {
        if (bootstrap == null) {
            String external = System.getProperty("rr.kafka.bootstrap", System.getenv("RR_KAFKA_BOOTSTRAP"));
            bootstrap = external != null && !external.isBlank() ? external : startPrivate();
        }
        return bootstrap;
    }

    private static String startPrivate() {
        try {
            Path runDir = Files.createTempDirectory("rr-kafka-test-");
            Path launcher = BrokerCli.launcherLocation();
            Path lib = libDir(launcher);
            BrokerSettings settings = new BrokerSettings(runDir, freePort(), freePort(), lib, launcher, 2, "512m");
            LocalKafkaBroker broker = new LocalKafkaBroker(settings);
            broker.start(Duration.ofSeconds(120), ProcessHandle.current().pid());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                broker.stop(Duration.ofSeconds(10));
                broker.wipe();
            }, "kafka-test-broker-stop"));
            return settings.bootstrapServers();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a test broker", e);
        }
    }

    private static Path libDir(Path launcher) {
        String explicit = System.getProperty("rr.kafka.lib", System.getenv("RR_KAFKA_LIB"));
        if (explicit != null) {
            return Path.of(explicit);
        }
        String root = System.getProperty("rr.repo.root");
        if (root != null) {
            return Path.of(root, "kafka-broker", "target", "broker-lib");
        }
        return launcher.getParent().resolve("broker-lib");
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
