package dev.reasoningrouter.kafka;

import dev.reasoningrouter.contracts.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real Apache Kafka broker (KRaft, single node, 127.0.0.1) run as a child process from the jars
 * Maven resolved. Start formats the storage once, launches the broker, waits until it answers an
 * admin request, and creates the platform's topics. Stop and status go by the PID file, so they work
 * from another process (the {@code ./rr} launcher) too.
 */
public final class LocalKafkaBroker {
    private final BrokerSettings settings;

    public LocalKafkaBroker(BrokerSettings settings) {
        this.settings = settings;
    }

    public BrokerSettings settings() {
        return settings;
    }

    /** Starts the broker unless it already runs; returns its PID. */
    public long start(Duration timeout, Long exitWithParentPid) {
        Optional<ProcessHandle> running = runningProcess();
        if (running.isPresent()) {
            awaitReady(timeout, running.get());
            return running.get().pid();
        }
        checkLibDir();
        try {
            Files.createDirectories(settings.dataDir());
            writeProperties();
            writeLogConfig();
            if (!Files.exists(settings.dataDir().resolve("meta.properties"))) {
                format();
            }
            List<String> command = javaCommand("-Xmx" + settings.heap());
            command.add(BrokerMain.class.getName());
            if (exitWithParentPid != null) {
                command.add("--exit-with-parent");
                command.add(Long.toString(exitWithParentPid));
            }
            command.add(settings.propertiesFile().toString());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(settings.logFile().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            Files.writeString(settings.pidFile(), Long.toString(process.pid()));
            awaitReady(timeout, process.toHandle());
            createTopics();
            return process.pid();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Kafka broker in " + settings.runDir(), e);
        }
    }

    /** Stops the broker this run folder's PID file names, gracefully, then forcibly. */
    public boolean stop(Duration grace) {
        Optional<ProcessHandle> running = runningProcess();
        running.ifPresent(p -> {
            p.destroy();
            try {
                p.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
                try {
                    p.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // the OS reaps it; the PID file goes anyway
                }
            }
        });
        try {
            Files.deleteIfExists(settings.pidFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return running.isPresent();
    }

    /** Deletes the run folder (data included); refuses while the broker runs. */
    public void wipe() {
        if (runningProcess().isPresent()) {
            throw new IllegalStateException("the broker is running (" + settings.pidFile() + "); stop it before wiping");
        }
        if (!Files.exists(settings.runDir())) {
            return;
        }
        try (Stream<Path> paths = Files.walk(settings.runDir())) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not wipe " + settings.runDir(), e);
        }
    }

    /** The broker process if the PID file names a live Java process. */
    public Optional<ProcessHandle> runningProcess() {
        Path pid = settings.pidFile();
        if (!Files.exists(pid)) {
            return Optional.empty();
        }
        try {
            long value = Long.parseLong(Files.readString(pid).trim());
            return ProcessHandle.of(value).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.contains("java")).orElse(true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** True when the broker answers an admin request within the timeout. */
    public boolean answers(Duration timeout) {
        try (Admin admin = admin(timeout)) {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    public void createTopics() {
        try (Admin admin = admin(Duration.ofSeconds(30))) {
            for (var topic : Topics.definitions(settings.partitions(), (short) 1)) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + topic.name() + ": " + e.getCause(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out creating topics on " + settings.bootstrapServers(), e);
        }
    }

    private Admin admin(Duration timeout) {
        int ms = (int) Math.max(1000, timeout.toMillis());
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500));
    }

    private void awaitReady(Duration timeout, ProcessHandle process) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited during start-up; last lines of "
                        + settings.logFile() + ":\n" + logTail(30));
            }
            if (answers(Duration.ofSeconds(2))) {
                return;
            }
            sleep(250);
        }
        throw new IllegalStateException("the Kafka broker did not answer on " + settings.bootstrapServers()
                + " within " + timeout.toSeconds() + " s; last lines of " + settings.logFile() + ":\n" + logTail(30));
    }

    private void format() throws IOException {
        List<String> command = javaCommand("-Xmx256m");
        command.addAll(List.of("kafka.tools.StorageTool", "format", "--ignore-formatted",
                "--cluster-id", Uuid.randomUuid().toString(), "--config", settings.propertiesFile().toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(settings.logFile().toFile())).start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("formatting the broker storage failed; see " + settings.logFile()
                        + ":\n" + logTail(20));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting the broker storage", e);
        }
    }

    private List<String> javaCommand(String heap) {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>();
        command.add(javaBin.toString());
        command.add(heap);
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dlog4j2.configurationFile=" + settings.runDir().resolve("log4j2.properties"));
        command.add("-cp");
        command.add(settings.launcherJar() + java.io.File.pathSeparator + settings.libDir().resolve("*"));
        return command;
    }

    private void writeProperties() throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + settings.controllerPort());
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + settings.port() + ",CONTROLLER://127.0.0.1:" + settings.controllerPort());
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + settings.port());
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.setProperty("log.dirs", settings.dataDir().toString());
        p.setProperty("num.partitions", Integer.toString(settings.partitions()));
        p.setProperty("auto.create.topics.enable", "false");
        // Single node: internal topics cannot replicate, and small ones start faster on 2 cores.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "4");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        try (var out = Files.newBufferedWriter(settings.propertiesFile(), StandardCharsets.UTF_8)) {
            p.store(out, "written by Reasoning Router's local broker launcher");
        }
    }

    private void writeLogConfig() throws IOException {
        Files.writeString(settings.runDir().resolve("log4j2.properties"), """
                status = warn
                appender.out.type = Console
                appender.out.name = out
                appender.out.layout.type = PatternLayout
                appender.out.layout.pattern = [%d] %p %m (%c)%n
                rootLogger.level = info
                rootLogger.appenderRef.out.ref = out
                logger.kafka.name = kafka
                logger.kafka.level = warn
                logger.kafkaserver.name = kafka.server.KafkaRaftServer
                logger.kafkaserver.level = info
                logger.org.name = org.apache.kafka
                logger.org.level = warn
                logger.state.name = state.change.logger
                logger.state.level = warn
                """);
    }

    private void checkLibDir() {
        if (!Files.isDirectory(settings.libDir())) {
            throw new IllegalStateException("the broker's jars are not at " + settings.libDir()
                    + "; build them first: ./mvnw -pl kafka-broker -am package -DskipTests");
        }
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(settings.logFile(), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
