package dev.reasoningrouter.pathserving.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reasoningrouter.contracts.OpenAiException;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    @Test
    void admitsUpToCapacityThenRefusesWithA429AndRetryAfter() {
        Admission a = new Admission(3, 2);
        Admission.Place p1 = a.admit();
        Admission.Place p2 = a.admit();
        Admission.Place p3 = a.admit();
        assertEquals(3, a.inFlight());
        assertNull(a.tryAdmit());
        OpenAiException e = assertThrows(OpenAiException.class, a::admit);
        assertEquals(429, e.status());
        assertEquals("queue_full", e.body().error().code());
        assertTrue(e.retryAfterSeconds() >= 1 && e.retryAfterSeconds() <= 60);
        assertEquals(1, a.rejected(), "tryAdmit does not count as a rejection, admit does");
        p1.close();
        p1.close(); // closing twice gives one place back, not two
        assertEquals(2, a.inFlight());
        assertNotNull(a.tryAdmit());
        assertNull(a.tryAdmit());
        p2.close();
        p3.close();
    }
}
