package dev.reasoningrouter.contracts;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Client settings of an exactly-once consume-transform-produce stage (the classifier's routing stage, the path
 * services' job workers): String serdes (records are JSON strings, see {@link WireCodec}), a consumer that reads only
 * committed records and never commits by itself (offsets travel inside the producer's transactions), and an
 * idempotent transactional producer.
 */
public final class StageClients {
    private StageClients() {}

    /**
     * @param base           the service's common client settings (bootstrap servers, security, ...)
     * @param groupId        the consumer group the stage's replicas share
     * @param maxPollRecords records one poll returns at most
     */
    public static Map<String, Object> consumer(Map<String, Object> base, String groupId, int maxPollRecords) {
        Map<String, Object> p = new HashMap<>(base);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return p;
    }

    /**
     * @param transactionalId unique per running replica and stable across its restarts, so that a restarted replica
     *                        fences its predecessor and aborts the transaction it left open
     */
    public static Map<String, Object> transactionalProducer(Map<String, Object> base, String transactionalId) {
        Map<String, Object> p = new HashMap<>(base);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return p;
    }
}
