package dev.reasoningrouter.contracts;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The {@code rr.dlq} record for a record a stage could not use: a {@link DeadLetter} with where it came from, why, and
 * the original payload, keyed as the original. A payload too large to travel whole inside the letter is cut, and the
 * reason says so; the original stays at its topic, partition and offset.
 */
public final class DeadLetters {
    private DeadLetters() {}

    public static ProducerRecord<String, String> of(WireCodec codec, String stage, ConsumerRecord<String, String> record,
                                                    String reason) {
        String payload = record.value();
        String letter = codec.encode(new DeadLetter(stage, record.topic(), record.partition(), record.offset(), record.key(),
                reason, payload, System.currentTimeMillis()));
        if (payload != null && !RecordLimit.fits(letter)) {
            String head = payload.substring(0, Math.min(payload.length(), RecordLimit.MAX_BYTES / 8));
            letter = codec.encode(new DeadLetter(stage, record.topic(), record.partition(), record.offset(), record.key(),
                    reason + " (payload of " + RecordLimit.bytes(payload) + " bytes cut to its first " + head.length()
                            + " characters; the original is at the source topic, partition and offset)",
                    head, System.currentTimeMillis()));
        }
        return new ProducerRecord<>(Topics.DLQ, record.key(), letter);
    }
}
