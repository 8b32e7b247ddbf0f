package dev.reasoningrouter.pathserving.kafka;

import dev.reasoningrouter.engine.generate.CancellationToken;
import dev.reasoningrouter.pathserving.core.Admission;
import dev.reasoningrouter.pathserving.core.Completion;
import dev.reasoningrouter.pathserving.core.CompletionListener;
import dev.reasoningrouter.pathserving.core.CompletionService;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A path service's Kafka worker: consumes the path's jobs topic in a consumer group and answers each job through the
 * {@link CompletionService}, like an HTTP request, producing its outputs ({@link JobRecords}) exactly once.
 *
 * <p><b>Concurrency.</b> Jobs run at the same time, each on a virtual thread holding an {@link Admission} place, so
 * that they share the continuous decode batch with each other and with HTTP requests: up to {@code maxInFlight} jobs,
 * and never more than the admission queue has room for. When it is full the consumer's partitions are paused (it goes
 * on polling, so it stays in its group) and resumed when places free up: a full service delays Kafka work, never
 * drops it.
 *
 * <p><b>Exactly once.</b> Jobs finish out of order, so each partition's taken records are kept in a
 * {@link PartitionLedger}; every {@code commitInterval} one transaction carries the outputs of the completed prefix
 * of every partition and the offsets after them ({@code sendOffsetsToTransaction} with the consumer's group metadata).
 * A finished record behind an unfinished one waits for it. Outputs and offsets commit together or not at all; readers
 * use {@code read_committed}. An aborted transaction keeps its outputs buffered for the next one.
 *
 * <p><b>Handing work back.</b> When partitions are revoked the completed prefix is committed first, then what remains
 * of them is dropped and their jobs cancelled: the next owner reads them again from the committed offset. A stop
 * pauses consumption, lets running jobs finish within {@code shutdownGrace} while committing, then cancels the rest
 * (handed back the same way) and leaves the group. The transactional id is stable per replica, so a restarted replica
 * fences its predecessor and aborts the transaction it left open. A broker that goes away ends the session (its
 * uncommitted work is handed back) and a new one starts a second later; a fenced producer stops the worker for good.
 */
public final class JobWorker implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(JobWorker.class);
    private static final Duration MAX_POLL_WAIT = Duration.ofMillis(100);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /** What the worker is doing, for health and tests. */
    public enum State {
        /** not started, or stopped */
        STOPPED,
        /** opening a session with the broker (also while it is unreachable) */
        CONNECTING,
        /** taking jobs */
        CONSUMING,
        /** the service is full (admission, or the in-flight limit): consumption paused until places free up */
        PAUSED,
        /** stopping: finishing running jobs, taking no new ones */
        DRAINING,
        /** another instance with the same transactional id took over; this one stopped */
        FENCED
    }

    /**
     * @param topic           the jobs topic
     * @param groupId         the consumer group the service's replicas share
     * @param transactionalId unique per replica, stable across its restarts
     * @param maxInFlight     jobs running at once, at most
     * @param shutdownGrace   how long a stop waits for running jobs before handing them back
     * @param commitInterval  how often completed outputs are committed
     */
    public record Settings(String topic, String groupId, String transactionalId, int maxInFlight, Duration shutdownGrace,
                           Duration commitInterval) {
        /** Records taken and not yet committed, at most, before consumption pauses (a long job holds up its partition). */
        public int maxUncommitted() {
            return Math.max(32, 8 * maxInFlight);
        }

        public Settings {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("rr.kafka.jobs.max-in-flight must be at least 1, got " + maxInFlight);
            }
            if (shutdownGrace.isNegative() || commitInterval.isNegative() || commitInterval.isZero()) {
                throw new IllegalArgumentException("the shutdown grace must not be negative and the commit interval must be positive");
            }
        }
    }

    private enum Mode { RUN, DRAIN, HALT }

    private final CompletionService service;
    private final JobRecords records;
    private final Settings settings;
    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> producerConfig;
    private final ExecutorService jobs;
    private final WorkerMetrics metrics;

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Mode mode = Mode.RUN;
    private volatile State state = State.STOPPED;
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile int buffered;
    private volatile int waiting;
    private boolean running;
    private Runnable onStopped;
    private CountDownLatch stopped = new CountDownLatch(0);

    /**
     * @param consumerConfig see {@link dev.reasoningrouter.contracts.StageClients#consumer}
     * @param producerConfig see {@link dev.reasoningrouter.contracts.StageClients#transactionalProducer}
     * @param jobs           runs each job (virtual threads: they mostly wait for the engine)
     */
    JobWorker(CompletionService service, JobRecords records, Settings settings, Map<String, Object> consumerConfig,
              Map<String, Object> producerConfig, ExecutorService jobs, WorkerMetrics metrics) {
        this.service = service;
        this.records = records;
        this.settings = settings;
        this.consumerConfig = Map.copyOf(consumerConfig);
        this.producerConfig = Map.copyOf(producerConfig);
        this.jobs = jobs;
        this.metrics = metrics;
        metrics.observe(this);
    }

    public Settings settings() {
        return settings;
    }

    public State state() {
        return state;
    }

    /** Jobs running now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Finished jobs whose outputs wait for a transaction. */
    public int buffered() {
        return buffered;
    }

    /** Records taken that wait for an admission place. */
    public int waiting() {
        return waiting;
    }

    /** The partitions this worker owns now. */
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        mode = Mode.RUN;
        state = State.CONNECTING;
        stopped = new CountDownLatch(1);
        Thread.ofPlatform().name("rr-" + service.profile().path() + "-jobs").start(this::runLoop);
    }

    /** Stops gracefully: running jobs get {@code shutdownGrace} to finish and commit; the rest is handed back. */
    @Override
    public void stop(Runnable callback) {
        synchronized (this) {
            if (running) {
                onStopped = callback;
                if (mode == Mode.RUN) {
                    mode = Mode.DRAIN;
                }
                return;
            }
        }
        callback.run();
    }

    @Override
    public void stop() {
        CountDownLatch done = new CountDownLatch(1);
        stop(done::countDown);
        await(done, settings.shutdownGrace().plusSeconds(30));
    }

    /**
     * Stops at once as a crash would, committing nothing: running jobs are cancelled, taken records are left to the
     * next owner of their partitions. For operators and tests; {@link #stop()} is the graceful way.
     */
    public void halt() {
        CountDownLatch latch;
        synchronized (this) {
            if (!running) {
                return;
            }
            mode = Mode.HALT;
            latch = stopped;
        }
        await(latch, Duration.ofSeconds(30));
    }

    @Override
    public synchronized boolean isRunning() {
        return running;
    }

    /** Stops before anything else (the web server, then the model, stop after it). */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    private void runLoop() {
        try {
            while (mode == Mode.RUN) {
                state = State.CONNECTING;
                try {
                    session();
                } catch (RuntimeException e) {
                    if (fenced(e)) {
                        log.error("{} worker fenced by a newer instance with transactional id {}, stopping: {}",
                                service.profile().path(), settings.transactionalId(), e.getMessage());
                        state = State.FENCED;
                        return;
                    }
                    if (mode == Mode.RUN) {
                        log.warn("{} worker session failed, its uncommitted jobs are handed back; reconnecting in 1 s: {}",
                                service.profile().path(), e.toString());
                        sleep(1000);
                    }
                }
            }
        } finally {
            if (state != State.FENCED) {
                state = State.STOPPED;
            }
            assignment = Set.of();
            Runnable callback;
            synchronized (this) {
                running = false;
                callback = onStopped;
                onStopped = null;
            }
            stopped.countDown();
            if (callback != null) {
                callback.run();
            }
        }
    }

    private void session() {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig);
        KafkaProducer<String, String> producer = null;
        Session session = null;
        try {
            producer = new KafkaProducer<>(producerConfig);
            session = new Session(consumer, producer);
            session.run();
        } finally {
            if (session != null) {
                session.abandon();
            }
            // bounded: with the broker away, an unbounded close would hold the next session (or the shutdown)
            if (producer != null) {
                producer.close(CLOSE_WAIT);
            }
            consumer.close(CloseOptions.timeout(CLOSE_WAIT));
            assignment = Set.of();
            buffered = 0;
            waiting = 0;
        }
    }

    /** A taken record waiting for an admission place. */
    private record Pending(PartitionLedger ledger, PartitionLedger.Entry entry, JobRecords.Accepted job) {}

    /** One consumer and transactional producer pair; ends on a stop, a broken connection or fencing. */
    private final class Session implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, String> consumer;
        private final KafkaProducer<String, String> producer;
        private final Map<TopicPartition, PartitionLedger> ledgers = new HashMap<>();
        private final ArrayDeque<Pending> queue = new ArrayDeque<>();
        private final Duration pollWait;
        private long lastCommit = System.nanoTime();
        private RuntimeException rebalanceFailure;
        private boolean closing;

        Session(KafkaConsumer<String, String> consumer, KafkaProducer<String, String> producer) {
            this.consumer = consumer;
            this.producer = producer;
            this.pollWait = settings.commitInterval().compareTo(MAX_POLL_WAIT) < 0 ? settings.commitInterval() : MAX_POLL_WAIT;
        }

        void run() {
            producer.initTransactions();
            consumer.subscribe(List.of(settings.topic()), this);
            log.info("{} worker consuming {} as group {} (transactional id {}, up to {} jobs at once)",
                    service.profile().path(), settings.topic(), settings.groupId(), settings.transactionalId(),
                    settings.maxInFlight());
            while (mode == Mode.RUN) {
                startQueued();
                boolean full = pauseWhenFull();
                state = full ? State.PAUSED : State.CONSUMING;
                for (ConsumerRecord<String, String> record : poll()) {
                    take(record);
                }
                startQueued();
                if (System.nanoTime() - lastCommit >= settings.commitInterval().toNanos()) {
                    commit();
                }
                observe();
            }
            if (mode == Mode.DRAIN) {
                drain();
            }
            closing = true;
        }

        /** Finishes running jobs within the grace period, committing as they complete; cancels the rest. */
        private void drain() {
            state = State.DRAINING;
            queue.clear(); // never started: left uncommitted, the next owner takes them
            long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
            log.info("{} worker stopping: {} running jobs get up to {} s to finish", service.profile().path(),
                    inFlight.get(), settings.shutdownGrace().toSeconds());
            while (mode == Mode.DRAIN && inFlight.get() > 0 && System.nanoTime() < deadline) {
                consumer.pause(consumer.assignment());
                poll(); // stays in the group meanwhile; records of a new assignment are not taken
                if (System.nanoTime() - lastCommit >= settings.commitInterval().toNanos()) {
                    commit();
                }
                observe();
            }
            if (mode != Mode.DRAIN) {
                return; // halted meanwhile: commit nothing more
            }
            int left = inFlight.get();
            if (left > 0) {
                log.warn("{} worker: {} jobs did not finish within the grace period; cancelled and handed back",
                        service.profile().path(), left);
                ledgers.values().forEach(PartitionLedger::cancelAll);
            }
            commit();
            awaitJobs(Duration.ofSeconds(10));
        }

        private Iterable<ConsumerRecord<String, String>> poll() {
            var polled = consumer.poll(pollWait);
            if (rebalanceFailure != null) {
                RuntimeException e = rebalanceFailure;
                rebalanceFailure = null;
                throw e;
            }
            return polled;
        }

        /**
         * Pauses every assigned partition while the service is full, resumes them when it is not. Full also means too
         * many records taken and not committed: finished jobs behind a long one wait in memory until it ends.
         */
        private boolean pauseWhenFull() {
            int uncommitted = 0;
            for (PartitionLedger ledger : ledgers.values()) {
                uncommitted += ledger.size();
            }
            boolean full = !queue.isEmpty() || inFlight.get() >= settings.maxInFlight() || service.admission().free() == 0
                    || uncommitted >= settings.maxUncommitted();
            if (full) {
                consumer.pause(consumer.assignment());
            } else if (!consumer.paused().isEmpty()) {
                consumer.resume(consumer.paused());
            }
            return full;
        }

        private void take(ConsumerRecord<String, String> record) {
            if (mode != Mode.RUN) {
                return;
            }
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            PartitionLedger ledger = ledgers.computeIfAbsent(tp, PartitionLedger::new);
            PartitionLedger.Entry entry = ledger.add(record.offset());
            if (entry == null) {
                log.warn("record {}-{}@{} taken twice; ignored", record.topic(), record.partition(), record.offset());
                return;
            }
            JobRecords.Intake intake;
            try {
                intake = records.intake(record);
            } catch (RuntimeException e) {
                log.error("could not read the job at {}-{}@{}", record.topic(), record.partition(), record.offset(), e);
                intake = records.unreadable(record, e);
            }
            switch (intake) {
                case JobRecords.Refused r -> entry.complete(r.outputs());
                case JobRecords.Accepted a -> queue.addLast(new Pending(ledger, entry, a));
            }
        }

        /** Starts queued jobs while there are admission places and room under the in-flight limit. */
        private void startQueued() {
            while (mode == Mode.RUN && !queue.isEmpty() && inFlight.get() < settings.maxInFlight()) {
                Admission.Place place = service.admission().tryAdmit();
                if (place == null) {
                    return;
                }
                Pending p = queue.pollFirst();
                inFlight.incrementAndGet();
                try {
                    jobs.execute(() -> runJob(p, place));
                } catch (RejectedExecutionException e) {
                    inFlight.decrementAndGet();
                    place.close();
                    log.warn("job {} not started (the service is closing); it is handed back", p.job().request().requestId());
                }
            }
        }

        /** Commits the completed prefix of every partition, with its outputs, in one transaction. */
        private void commit() {
            lastCommit = System.nanoTime();
            List<PartitionLedger.Prefix> prefixes = new ArrayList<>();
            for (PartitionLedger ledger : ledgers.values()) {
                PartitionLedger.Prefix p = ledger.committable();
                if (p != null) {
                    prefixes.add(p);
                }
            }
            if (prefixes.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            List<Output> outputs = new ArrayList<>();
            for (PartitionLedger.Prefix p : prefixes) {
                offsets.put(p.partition(), new OffsetAndMetadata(p.nextOffset()));
                outputs.addAll(p.outputs());
            }
            long t0 = System.nanoTime();
            producer.beginTransaction();
            try {
                for (Output o : outputs) {
                    producer.send(o.record());
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
            } catch (KafkaException e) {
                if (fenced(e)) {
                    throw e; // the producer is unusable; closing it is all that is left
                }
                try {
                    producer.abortTransaction();
                } catch (KafkaException abortFailed) {
                    throw new KafkaException("the transaction could neither commit (" + e + ") nor abort", abortFailed);
                }
                metrics.aborted();
                log.warn("{} worker: transaction aborted, its {} outputs stay buffered for the next one: {}",
                        service.profile().path(), outputs.size(), e.toString());
                return;
            }
            for (PartitionLedger.Prefix p : prefixes) {
                ledgers.get(p.partition()).committed(p);
            }
            metrics.committed(outputs, System.nanoTime() - t0);
            for (Output o : outputs) {
                if (o.kind() == Output.Kind.ESCALATION) {
                    service.metrics().escalated("kafka"); // counted once it is really handed on
                }
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                ledgers.computeIfAbsent(tp, PartitionLedger::new);
            }
            assignment = Set.copyOf(consumer.assignment());
            if (!partitions.isEmpty()) {
                log.info("{} worker assigned {}", service.profile().path(), partitions);
            }
        }

        /** Commits what is complete while the partitions are still ours, then hands the rest back. */
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty() && mode != Mode.HALT && !closing) {
                try {
                    commit();
                } catch (RuntimeException e) {
                    rebalanceFailure = e;
                }
            }
            drop(partitions, "revoked");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drop(partitions, "lost");
        }

        private void drop(Collection<TopicPartition> partitions, String why) {
            for (TopicPartition tp : partitions) {
                PartitionLedger ledger = ledgers.remove(tp);
                if (ledger != null) {
                    if (ledger.size() > 0) {
                        log.info("{} worker: partition {} {}; {} uncommitted jobs handed back", service.profile().path(),
                                tp, why, ledger.size());
                    }
                    ledger.cancelAll();
                    queue.removeIf(p -> p.ledger() == ledger);
                }
            }
            assignment = Set.copyOf(ledgers.keySet());
        }

        /** The session ends: nothing more of it will commit, so its running jobs are cancelled. */
        void abandon() {
            closing = true;
            ledgers.values().forEach(PartitionLedger::cancelAll);
            ledgers.clear();
            queue.clear();
        }

        private void observe() {
            int completed = 0;
            for (PartitionLedger ledger : ledgers.values()) {
                completed += ledger.completed();
            }
            buffered = completed;
            waiting = queue.size();
        }
    }

    /** Runs one admitted job on its own thread; its outputs complete its ledger entry unless it was handed back. */
    private void runJob(Pending p, Admission.Place place) {
        CancellationToken cancel = p.entry().cancel();
        try (place) {
            List<Output> out;
            try {
                Completion c = service.complete(p.job().completion(), CompletionListener.NONE, cancel);
                if (cancel.isCancelled()) {
                    return; // handed back: whoever owns the partition next answers it
                }
                out = records.answered(p.job(), c);
            } catch (RuntimeException e) {
                if (cancel.isCancelled()) {
                    return;
                }
                if (!(e instanceof IllegalArgumentException)) {
                    log.error("job {} failed", p.job().request().requestId(), e);
                }
                out = records.failed(p.job(), e);
            }
            p.entry().complete(out);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void awaitJobs(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            sleep(20);
        }
    }

    private static boolean fenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException
                    || t instanceof FencedInstanceIdException) {
                return true;
            }
        }
        return false;
    }

    private static void await(CountDownLatch latch, Duration max) {
        try {
            if (!latch.await(max.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Kafka worker did not stop within {} s", max.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
