package dev.reasoningrouter.engine.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackendChoiceTest {

    @Test
    void autoAndCpuPickTheCpuAndCudaIsRefused() {
        BackendChoice auto = BackendChoice.resolve("auto");
        assertEquals("cpu", auto.backend());
        assertTrue(auto.reason().contains("only the CPU backend"), auto.reason());
        assertEquals("cpu", BackendChoice.resolve(" CPU ").backend());
        assertEquals("cpu", BackendChoice.resolve(null).backend());
        var cuda = assertThrows(IllegalStateException.class, () -> BackendChoice.resolve("cuda"));
        assertTrue(cuda.getMessage().contains("no CUDA backend"), cuda.getMessage());
        var bad = assertThrows(IllegalStateException.class, () -> BackendChoice.resolve("tpu"));
        assertTrue(bad.getMessage().contains("'tpu'"), bad.getMessage());
    }
}
