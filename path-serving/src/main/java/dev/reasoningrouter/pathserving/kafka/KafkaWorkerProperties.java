package dev.reasoningrouter.pathserving.kafka;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code rr.kafka.*} of a path service (the topic settings {@code rr.kafka.partitions}, {@code replication} and
 * {@code create-topics} belong to {@code contracts}).
 *
 * @param jobs            the job worker
 * @param escalate        hand low-confidence answers to the reasoning path as jobs (the fast path sets it)
 * @param escalationTopic where escalated jobs go
 * @param verified        the learner/critic data loop on {@code rr.verified}
 */
@ConfigurationProperties("rr.kafka")
public record KafkaWorkerProperties(@DefaultValue Jobs jobs, boolean escalate,
                                    @DefaultValue("rr.jobs.reasoning") String escalationTopic,
                                    @DefaultValue Verified verified) {

    /**
     * @param enabled               run the worker
     * @param topic                 the jobs topic; empty: {@code rr.jobs.<path>}
     * @param groupId               the consumer group the replicas share; empty: {@code rr-<path>-path}
     * @param transactionalIdPrefix empty: {@code rr-<path>-path}; the transactional id is {@code <prefix>-<instance id>}
     * @param instanceId            stable per replica; empty: the host name and the server port
     * @param maxInFlight           jobs running at once, at most; 0: the decode batch size ({@code rr.model.max-batch})
     * @param shutdownGrace         how long a stop lets running jobs finish before handing them back
     * @param commitInterval        how often completed jobs are committed
     */
    public record Jobs(@DefaultValue("true") boolean enabled, String topic, String groupId, String transactionalIdPrefix,
                       String instanceId, @DefaultValue("0") int maxInFlight, @DefaultValue("20s") Duration shutdownGrace,
                       @DefaultValue("200ms") Duration commitInterval) {}

    /** @param enabled publish accepted answers (the reasoning path sets it) */
    public record Verified(boolean enabled) {}
}
