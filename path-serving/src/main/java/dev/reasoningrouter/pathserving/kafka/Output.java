package dev.reasoningrouter.pathserving.kafka;

import org.apache.kafka.clients.producer.ProducerRecord;

/** One record a consumed job produces, and what kind it is (the worker counts them by kind once committed). */
record Output(Kind kind, ProducerRecord<String, String> record) {

    enum Kind {
        /** a {@code chat.completion} on {@code rr.results} */
        RESULT,
        /** an error result on {@code rr.results} (what would have been a 4xx or 5xx over HTTP) */
        ERROR,
        /** the job handed to the reasoning path with the fast path's draft */
        ESCALATION,
        /** a record that is not a usable job, on {@code rr.dlq} */
        DEAD_LETTER,
        /** an accepted answer on {@code rr.verified} */
        VERIFIED;

        /** The tag value in metrics. */
        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
