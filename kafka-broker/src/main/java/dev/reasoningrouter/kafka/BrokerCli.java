package dev.reasoningrouter.kafka;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code java -cp kafka-broker.jar:contracts.jar:broker-lib/* dev.reasoningrouter.kafka.BrokerCli start|stop|status|wipe}.
 * Options: {@code --run-dir DIR --port N --controller-port N --lib DIR --partitions N --heap SIZE},
 * defaulting to RR_KAFKA_RUN_DIR, RR_KAFKA_PORT (9092), RR_KAFKA_CONTROLLER_PORT (port+1),
 * RR_KAFKA_LIB, RR_KAFKA_PARTITIONS (3) and RR_KAFKA_HEAP (768m). Exit code 0 on success, 1 when
 * {@code status} finds no broker, 2 on errors.
 */
public final class BrokerCli {
    private BrokerCli() {}

    public static void main(String[] args) {
        try {
            System.exit(run(args, System.getenv()));
        } catch (RuntimeException e) {
            System.err.println("kafka: " + e.getMessage());
            System.exit(2);
        }
    }

    static int run(String[] args, Map<String, String> env) {
        if (args.length == 0) {
            System.err.println("usage: BrokerCli start|stop|status|wipe [--run-dir DIR] [--port N] "
                    + "[--controller-port N] [--lib DIR] [--partitions N] [--heap SIZE]");
            return 2;
        }
        String verb = args[0];
        Path runDir = Path.of(env.getOrDefault("RR_KAFKA_RUN_DIR", "run/kafka"));
        int port = Integer.parseInt(env.getOrDefault("RR_KAFKA_PORT", "9092"));
        Integer controllerPort = env.containsKey("RR_KAFKA_CONTROLLER_PORT")
                ? Integer.valueOf(env.get("RR_KAFKA_CONTROLLER_PORT")) : null;
        Path lib = env.containsKey("RR_KAFKA_LIB") ? Path.of(env.get("RR_KAFKA_LIB")) : null;
        int partitions = Integer.parseInt(env.getOrDefault("RR_KAFKA_PARTITIONS", "3"));
        String heap = env.getOrDefault("RR_KAFKA_HEAP", "768m");
        for (int i = 1; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--run-dir" -> runDir = Path.of(value);
                case "--port" -> port = Integer.parseInt(value);
                case "--controller-port" -> controllerPort = Integer.valueOf(value);
                case "--lib" -> lib = Path.of(value);
                case "--partitions" -> partitions = Integer.parseInt(value);
                case "--heap" -> heap = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path launcher = launcherLocation();
        if (lib == null) {
            // launcher is kafka-broker/target/kafka-broker.jar (or target/classes): the jars sit beside it
            lib = launcher.getParent().resolve("broker-lib");
        }
        BrokerSettings settings = new BrokerSettings(runDir.toAbsolutePath(), port,
                controllerPort == null ? port + 1 : controllerPort, lib.toAbsolutePath(), launcher, partitions, heap);
        LocalKafkaBroker broker = new LocalKafkaBroker(settings);
        switch (verb) {
            case "start" -> {
                long pid = broker.start(Duration.ofSeconds(90), null);
                System.out.println("kafka: running, pid " + pid + ", bootstrap " + settings.bootstrapServers()
                        + ", data " + settings.dataDir() + ", log " + settings.logFile());
                return 0;
            }
            case "stop" -> {
                boolean stopped = broker.stop(Duration.ofSeconds(20));
                System.out.println(stopped ? "kafka: stopped" : "kafka: was not running");
                return 0;
            }
            case "status" -> {
                var running = broker.runningProcess();
                if (running.isEmpty()) {
                    System.out.println("kafka: not running (" + settings.runDir() + ")");
                    return 1;
                }
                boolean answers = broker.answers(Duration.ofSeconds(5));
                System.out.println("kafka: pid " + running.get().pid() + ", " + settings.bootstrapServers()
                        + (answers ? ", answering" : ", NOT answering"));
                return answers ? 0 : 1;
            }
            case "wipe" -> {
                broker.wipe();
                System.out.println("kafka: wiped " + settings.runDir());
                return 0;
            }
            default -> throw new IllegalArgumentException("unknown command " + verb + " (start|stop|status|wipe)");
        }
    }

    static Path launcherLocation() {
        try {
            return Path.of(BrokerCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
