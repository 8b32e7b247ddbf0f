package dev.reasoningrouter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reasoningrouter.contracts.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts a real broker from the jars Maven resolved, uses it, stops it and wipes it. */
class LocalKafkaBrokerTest {

    @Test
    void startsCreatesTopicsCarriesRecordsStopsAndWipes(@TempDir Path tmp) throws Exception {
        Path runDir = tmp.resolve("kafka");
        Path launcher = BrokerCli.launcherLocation();
        Path lib = Path.of(System.getProperty("rr.repo.root"), "kafka-broker", "target", "broker-lib");
        BrokerSettings settings = new BrokerSettings(runDir, KafkaTestBroker.freePort(), KafkaTestBroker.freePort(),
                lib, launcher, 2, "512m");
        LocalKafkaBroker broker = new LocalKafkaBroker(settings);
        try {
            long pid = broker.start(Duration.ofSeconds(120), ProcessHandle.current().pid());
            assertThat(broker.runningProcess()).map(ProcessHandle::pid).contains(pid);
            // a second start finds the running broker instead of launching another
            assertThat(broker.start(Duration.ofSeconds(30), null)).isEqualTo(pid);

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsAll(Topics.ALL);
                var results = new ConfigResource(ConfigResource.Type.TOPIC, Topics.RESULTS);
                String policy = admin.describeConfigs(List.of(results)).all().get(30, TimeUnit.SECONDS)
                        .get(results).get("cleanup.policy").value();
                assertThat(policy).isEqualTo("compact");
                assertThat(admin.describeTopics(List.of(Topics.REQUESTS)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(Topics.REQUESTS).partitions()).hasSize(2);
            }

            String key = UUID.randomUUID().toString();
            try (var producer = new KafkaProducer<String, String>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(Topics.REQUESTS, key, "{\"hello\":1}")).get(30, TimeUnit.SECONDS);
            }
            try (var consumer = new KafkaConsumer<String, String>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "test-" + key,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(Topics.REQUESTS));
                String seen = null;
                long deadline = System.currentTimeMillis() + 30_000;
                while (seen == null && System.currentTimeMillis() < deadline) {
                    for (var r : consumer.poll(Duration.ofMillis(500))) {
                        if (key.equals(r.key())) {
                            seen = r.value();
                        }
                    }
                }
                assertThat(seen).isEqualTo("{\"hello\":1}");
            }

            assertThatThrownBy(broker::wipe).hasMessageContaining("stop it before wiping");
        } finally {
            broker.stop(Duration.ofSeconds(20));
        }
        assertThat(broker.runningProcess()).isEmpty();
        assertThat(broker.answers(Duration.ofSeconds(2))).isFalse();
        broker.wipe();
        assertThat(Files.exists(runDir)).isFalse();
    }

    @Test
    void missingJarsGiveAClearError(@TempDir Path tmp) {
        BrokerSettings settings = new BrokerSettings(tmp, KafkaTestBroker.freePort(), KafkaTestBroker.freePort(),
                tmp.resolve("nope"), tmp, 1, "256m");
        assertThatThrownBy(() -> new LocalKafkaBroker(settings).start(Duration.ofSeconds(5), null))
                .hasMessageContaining("broker's jars are not at").hasMessageContaining("nope");
    }
}
