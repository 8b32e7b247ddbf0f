package dev.reasoningrouter.pathserving.kafka;

import dev.reasoningrouter.contracts.StageClients;
import dev.reasoningrouter.contracts.WireCodec;
import dev.reasoningrouter.pathserving.PathServingConfiguration;
import dev.reasoningrouter.pathserving.api.ChatCompletionRequest;
import dev.reasoningrouter.pathserving.core.CompletionPolicy;
import dev.reasoningrouter.pathserving.core.CompletionService;
import dev.reasoningrouter.pathserving.core.PathProfile;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;

/**
 * The path services' Kafka side: the {@link JobWorker} on the path's jobs topic ({@code rr.kafka.jobs.*}), its health,
 * and, with {@code rr.kafka.verified.enabled}, accepted HTTP answers published on {@code rr.verified}.
 */
@AutoConfiguration(after = PathServingConfiguration.class)
@EnableConfigurationProperties(KafkaWorkerProperties.class)
public class KafkaWorkerConfiguration {
    private static final Logger log = LoggerFactory.getLogger(KafkaWorkerConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    WireCodec wireCodec() {
        return new WireCodec();
    }

    @Bean
    @ConditionalOnProperty(name = "rr.kafka.jobs.enabled", havingValue = "true", matchIfMissing = true)
    JobWorker jobWorker(CompletionService service, ChatCompletionRequest.Limits limits, WireCodec codec, KafkaProperties kafka,
                        KafkaWorkerProperties props, ExecutorService completionExecutor, MeterRegistry registry,
                        @Value("${rr.model.max-batch:8}") int maxBatch, @Value("${server.port:8080}") int port) {
        String path = service.profile().path();
        KafkaWorkerProperties.Jobs jobs = props.jobs();
        String serviceName = "rr-" + path + "-path";
        String transactionalId = or(jobs.transactionalIdPrefix(), serviceName) + "-" + instanceId(jobs.instanceId(), port);
        JobWorker.Settings settings = new JobWorker.Settings(or(jobs.topic(), "rr.jobs." + path), or(jobs.groupId(), serviceName),
                transactionalId, jobs.maxInFlight() > 0 ? jobs.maxInFlight() : maxBatch, jobs.shutdownGrace(),
                jobs.commitInterval());
        JobRecords records = new JobRecords(codec, service, limits,
                new JobRecords.Settings(props.escalate() ? props.escalationTopic() : null, props.verified().enabled(), transactionalId));
        Map<String, Object> consumer = StageClients.consumer(kafka.buildConsumerProperties(), settings.groupId(),
                settings.maxInFlight());
        // only the partitions that move are revoked on a rebalance: the others' running jobs go on
        consumer.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        Map<String, Object> producer = StageClients.transactionalProducer(kafka.buildProducerProperties(), transactionalId);
        // a broker that is away fails a commit (and the session) after this long rather than the default minute
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new JobWorker(service, records, settings, consumer, producer, completionExecutor, new WorkerMetrics(registry, path));
    }

    /** {@code /actuator/health} component {@code kafkaWorker}: the worker's state; Kafka trouble never makes the path DOWN. */
    @Bean
    @ConditionalOnProperty(name = "rr.kafka.jobs.enabled", havingValue = "true", matchIfMissing = true)
    HealthIndicator kafkaWorkerHealthIndicator(JobWorker worker) {
        return () -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("state", worker.state().name());
            d.put("topic", worker.settings().topic());
            d.put("group", worker.settings().groupId());
            d.put("transactional_id", worker.settings().transactionalId());
            d.put("partitions", worker.assignment().stream().map(Object::toString).sorted().toList());
            d.put("in_flight", worker.inFlight());
            d.put("waiting", worker.waiting());
            d.put("buffered", worker.buffered());
            return Health.up().withDetails(d).build();
        };
    }

    @Bean
    @ConditionalOnProperty(name = "rr.kafka.verified.enabled", havingValue = "true")
    VerifiedAnswerPublisher verifiedAnswerPublisher(KafkaProperties kafka, WireCodec codec, PathProfile profile,
                                                    MeterRegistry registry) {
        return new VerifiedAnswerPublisher(kafka.buildProducerProperties(), codec, profile, registry);
    }

    /** Wraps the path's {@link CompletionPolicy} so that accepted HTTP answers are published. */
    @Bean
    @ConditionalOnProperty(name = "rr.kafka.verified.enabled", havingValue = "true")
    static BeanPostProcessor verifiedAnswerPolicy(ObjectProvider<VerifiedAnswerPublisher> publisher) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof CompletionPolicy p && !(bean instanceof VerifiedAnswerPolicy)
                        ? new VerifiedAnswerPolicy(p, publisher::getIfAvailable) : bean;
            }
        };
    }

    /**
     * A replica's instance id: the configured one, else the host name and the server port (stable across restarts, so
     * a restarted replica fences its predecessor). A random port gives a random id, which fences nothing.
     */
    static String instanceId(String configured, int port) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "local";
            }
        }
        if (port > 0) {
            return host + "-" + port;
        }
        String id = host + "-" + UUID.randomUUID().toString().substring(0, 8);
        log.warn("rr.kafka.jobs.instance-id is not set and the server port is random: using {}, which a restart will not "
                + "reuse (its open transaction then waits for the transaction timeout)", id);
        return id;
    }

    private static String or(String value, String dflt) {
        return value == null || value.isBlank() ? dflt : value.trim();
    }
}
