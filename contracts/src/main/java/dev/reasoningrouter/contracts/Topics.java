package dev.reasoningrouter.contracts;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** The platform's Kafka topics. Keys are request ids; results are keyed {@code batchId/customId}. */
public final class Topics {
    public static final String REQUESTS = "rr.requests";
    public static final String JOBS_FAST = "rr.jobs.fast";
    public static final String JOBS_REASONING = "rr.jobs.reasoning";
    /** Compacted: the latest result per key is the answer. */
    public static final String RESULTS = "rr.results";
    public static final String DLQ = "rr.dlq";
    /** Answers the reasoning path's critic accepted, with their scores and rounds (the learner/critic data loop). */
    public static final String VERIFIED = "rr.verified";
    /** Compacted: the gateway's batch objects (OpenAI's Batch API), the latest state per batch id. */
    public static final String BATCHES = "rr.batches";
    /** Compacted: the files uploaded to the gateway ({@code POST /v1/files}), in chunks keyed {@code fileId/part}. */
    public static final String FILES = "rr.files";

    public static final List<String> ALL = List.of(REQUESTS, JOBS_FAST, JOBS_REASONING, RESULTS, DLQ, VERIFIED, BATCHES, FILES);
    private static final List<String> COMPACTED = List.of(RESULTS, BATCHES, FILES);

    private Topics() {}

    /** Topic definitions with the given partition count; replication 1 suits a single-node broker. */
    public static List<NewTopic> definitions(int partitions, short replication) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        return ALL.stream().map(name -> {
            NewTopic topic = new NewTopic(name, partitions, replication);
            if (COMPACTED.contains(name)) {
                topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            return topic;
        }).toList();
    }

    /** Key of a result record: {@code batchId/customId}, or the request id for requests outside a batch. */
    public static String resultKey(String batchId, String customId, String requestId) {
        return batchId == null || batchId.isBlank() ? requestId : batchId + "/" + (customId == null ? requestId : customId);
    }
}
