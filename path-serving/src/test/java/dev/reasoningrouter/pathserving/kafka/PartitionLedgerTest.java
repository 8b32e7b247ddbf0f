package dev.reasoningrouter.pathserving.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionLedgerTest {
    private final TopicPartition tp = new TopicPartition("rr.jobs.fast", 2);

    private static List<Output> result(String key) {
        return List.of(new Output(Output.Kind.RESULT, new ProducerRecord<>("rr.results", key, "{}")));
    }

    @Test
    void onlyTheCompletedPrefixIsCommittableAndACompletedRecordWaitsBehindAGap() {
        PartitionLedger ledger = new PartitionLedger(tp);
        // offsets with holes, as on a transactional topic (commit markers take offsets)
        PartitionLedger.Entry a = ledger.add(10);
        PartitionLedger.Entry b = ledger.add(12);
        PartitionLedger.Entry c = ledger.add(13);
        PartitionLedger.Entry d = ledger.add(15);

        c.complete(result("c"));
        assertThat(ledger.committable()).as("the head is unfinished").isNull();
        assertThat(ledger.completed()).isEqualTo(1);

        a.complete(result("a"));
        PartitionLedger.Prefix first = ledger.committable();
        assertThat(first.entries()).containsExactly(a);
        assertThat(first.nextOffset()).isEqualTo(11);
        ledger.committed(first);

        b.complete(result("b"));
        PartitionLedger.Prefix second = ledger.committable();
        assertThat(second.entries()).containsExactly(b, c);
        assertThat(second.nextOffset()).as("after the last record of the prefix, not offset arithmetic").isEqualTo(14);
        assertThat(second.outputs()).extracting(o -> o.record().key()).containsExactly("b", "c");
        ledger.committed(second);
        assertThat(ledger.size()).isEqualTo(1);
        assertThat(ledger.committable()).isNull();

        d.complete(result("d"));
        assertThat(ledger.committable().nextOffset()).isEqualTo(16);
    }

    @Test
    void aPrefixNotCommittedStaysForTheNextTransaction() {
        PartitionLedger ledger = new PartitionLedger(tp);
        PartitionLedger.Entry a = ledger.add(0);
        a.complete(result("a"));
        PartitionLedger.Prefix p = ledger.committable();
        // the transaction aborted: nothing is forgotten, the same prefix comes again
        assertThat(ledger.committable().entries()).isEqualTo(p.entries());
        PartitionLedger.Entry b = ledger.add(1);
        b.complete(result("b"));
        assertThat(ledger.committable().entries()).containsExactly(a, b);
    }

    @Test
    void recordsAreTakenOnceInOrderAndCancellingReachesEveryJob() {
        PartitionLedger ledger = new PartitionLedger(tp);
        PartitionLedger.Entry a = ledger.add(5);
        assertThat(ledger.add(5)).isNull();
        assertThat(ledger.add(4)).isNull();
        PartitionLedger.Entry b = ledger.add(6);
        ledger.cancelAll();
        assertThat(a.cancel().isCancelled()).isTrue();
        assertThat(b.cancel().isCancelled()).isTrue();
    }

    @Test
    void committingAPrefixTheLedgerNoLongerStartsWithFails() {
        PartitionLedger ledger = new PartitionLedger(tp);
        ledger.add(0).complete(result("a"));
        PartitionLedger.Prefix p = ledger.committable();
        ledger.committed(p);
        assertThatThrownBy(() -> ledger.committed(p)).isInstanceOf(RuntimeException.class);
    }
}
