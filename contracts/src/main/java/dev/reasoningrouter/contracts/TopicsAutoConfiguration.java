package dev.reasoningrouter.contracts;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Declares the platform's topics in every service that uses Kafka, so that whichever starts first
 * creates them. Existing topics are left as they are. Partitions: {@code rr.kafka.partitions}.
 */
@AutoConfiguration
@ConditionalOnClass(KafkaAdmin.class)
@ConditionalOnProperty(name = "rr.kafka.create-topics", havingValue = "true", matchIfMissing = true)
public class TopicsAutoConfiguration {

    @Bean
    KafkaAdmin.NewTopics reasoningRouterTopics(
            @Value("${rr.kafka.partitions:3}") int partitions,
            @Value("${rr.kafka.replication:1}") short replication) {
        return new KafkaAdmin.NewTopics(Topics.definitions(partitions, replication).toArray(new org.apache.kafka.clients.admin.NewTopic[0]));
    }
}
