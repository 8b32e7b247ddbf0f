package dev.reasoningrouter.classifier;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code rr.classifier.*}.
 *
 * @param threshold    overrides the artifact's calibrated threshold (null: use the artifact's)
 * @param modelPath    a model artifact file to load instead of the one on the classpath
 * @param maxBatchItems most texts one {@code POST /v1/classify} may carry
 * @param maxBodyBytes largest request body accepted (413 above)
 * @param onnxThreads  ONNX Runtime intra-op threads per inference (0 = one per core)
 * @param kafka        the routing stage
 */
@ConfigurationProperties("rr.classifier")
public record ClassifierProperties(Double threshold, String modelPath, int maxBatchItems, int maxBodyBytes, int onnxThreads, Kafka kafka) {

    public ClassifierProperties {
        if (maxBatchItems < 1) {
            throw new IllegalArgumentException("rr.classifier.max-batch-items must be >= 1, got " + maxBatchItems);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("rr.classifier.max-body-bytes must be >= 1024, got " + maxBodyBytes);
        }
        if (onnxThreads < 0) {
            throw new IllegalArgumentException("rr.classifier.onnx-threads must be >= 0, got " + onnxThreads);
        }
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("rr.classifier.threshold must be in [0, 1], got " + threshold);
        }
    }

    /**
     * @param enabled         run the consume-classify-produce stage
     * @param requestsTopic   where requests come from
     * @param groupId         consumer group (replicas of the service share it)
     * @param transactionalId producer transactional id; must be unique per running replica and stable
     *                        across its restarts, so that a restarted replica fences its predecessor
     * @param maxPollRecords  records per poll, i.e. per transaction at most
     */
    public record Kafka(boolean enabled, String requestsTopic, String groupId, String transactionalId, int maxPollRecords) {}
}
