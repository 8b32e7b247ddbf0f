package dev.reasoningrouter.kafka;

import java.nio.file.Path;

/**
 * Where and how a local single-node KRaft broker runs.
 *
 * @param runDir         data, logs, properties and the PID file live here
 * @param port           client listener on 127.0.0.1
 * @param controllerPort KRaft controller listener on 127.0.0.1
 * @param libDir         the broker's jars (kafka-broker/target/broker-lib)
 * @param launcherJar    this module's jar or classes folder, for {@link BrokerMain}
 * @param partitions     partitions of each platform topic created at start
 * @param heap           the broker JVM's -Xmx, e.g. "768m"
 */
public record BrokerSettings(Path runDir, int port, int controllerPort, Path libDir, Path launcherJar,
                             int partitions, String heap) {

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path pidFile() {
        return runDir.resolve("broker.pid");
    }

    public Path logFile() {
        return runDir.resolve("broker.log");
    }

    public Path dataDir() {
        return runDir.resolve("data");
    }

    public Path propertiesFile() {
        return runDir.resolve("server.properties");
    }
}
