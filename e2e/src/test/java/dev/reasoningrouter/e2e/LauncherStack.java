package dev.reasoningrouter.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole platform as an operator runs it: {@code ./rr up} with a run folder and ports of its own (a real Kafka
 * broker and the four service jars as separate processes), {@code ./rr restart}/{@code ./rr kill} for faults, and
 * {@code ./rr down}. Every launcher call's output goes to the test's log.
 */
final class LauncherStack implements AutoCloseable {
    static final List<String> SERVICES = List.of("classifier", "fast-path", "reasoning-path", "gateway");

    private final Path root;
    private final Path runDir;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final int kafkaPort;
    private final Map<String, String> extraEnv;

    private LauncherStack(Path root, Path runDir, Map<String, String> extraEnv) {
        this.root = root;
        this.runDir = runDir;
        this.extraEnv = Map.copyOf(extraEnv);
        for (String s : SERVICES) {
            ports.put(s, freePort());
        }
        int k;
        do {
            k = freePort();
        } while (!portFree(k + 1)); // the broker's controller listens on the next port
        this.kafkaPort = k;
    }

    /** Starts the stack in {@code e2e/target/<name>} (wiped first) and waits until every service is healthy. */
    static LauncherStack up(String name, Map<String, String> extraEnv) {
        Path root = Path.of(System.getProperty("rr.repo.root"));
        Path runDir = root.resolve("e2e/target").resolve(name);
        deleteTree(runDir);
        LauncherStack stack = new LauncherStack(root, runDir, extraEnv);
        try {
            stack.rr("up");
        } catch (RuntimeException | AssertionError e) {
            stack.close(); // what did start must not outlive the failed start
            throw e;
        }
        return stack;
    }

    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RR_RUN_DIR", runDir.toString());
        env.put("RR_GATEWAY_PORT", ports.get("gateway").toString());
        env.put("RR_CLASSIFIER_PORT", ports.get("classifier").toString());
        env.put("RR_FAST_PATH_PORT", ports.get("fast-path").toString());
        env.put("RR_REASONING_PATH_PORT", ports.get("reasoning-path").toString());
        env.put("RR_KAFKA_PORT", Integer.toString(kafkaPort));
        env.put("RR_KAFKA_CONTROLLER_PORT", Integer.toString(kafkaPort + 1));
        // both path services share one copy of the default model, kept between runs of the suite
        env.put("RR_MODEL_CACHE_DIR", root.resolve("e2e/target/models").toString());
        env.put("RR_UP_TIMEOUT", "300");
        env.putAll(extraEnv);
        return env;
    }

    /** Runs {@code ./rr ARGS} with this stack's environment; fails the test with its output if it fails. */
    String rr(String... args) {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("rr").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().remove("RR_KAFKA_BOOTSTRAP"); // the stack talks to its own broker, not the suite's
        pb.environment().putAll(env());
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("./rr " + String.join(" ", args) + " did not finish in 10 minutes:\n" + out);
            }
            System.out.println("[./rr " + String.join(" ", args) + "]\n" + out);
            if (p.exitValue() != 0) {
                throw new AssertionError("./rr " + String.join(" ", args) + " failed (" + p.exitValue() + "):\n" + out
                        + "\n" + logTails());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The gateway's API key: the development key {@code ./rr up} made in the run folder. */
    String apiKey() {
        try {
            return java.nio.file.Files.readString(runDir.resolve("dev-api-key")).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("./rr up made no development API key in " + runDir, e);
        }
    }

    String baseUrl(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    Path runDir() {
        return runDir;
    }

    Path log(String service) {
        return service.equals("kafka") ? runDir.resolve("kafka/broker.log") : runDir.resolve("logs/" + service + ".log");
    }

    /** The last lines of every log, for failure messages. */
    String logTails() {
        StringBuilder b = new StringBuilder();
        for (String s : Stream.concat(SERVICES.stream(), Stream.of("kafka")).toList()) {
            try {
                List<String> lines = Files.readAllLines(log(s));
                b.append("---- ").append(s).append(" ----\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()))).append('\n');
            } catch (IOException e) {
                b.append("---- ").append(s).append(": no log\n");
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        try {
            rr("down");
        } catch (AssertionError e) {
            System.err.println(e.getMessage());
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
