package org.ecrl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhaseTimesTest {
    @Test
    void sumsRepeatsInFirstSeenOrderAndPrintsShares() {
        PhaseTimes t = new PhaseTimes();
        t.add("ingest", 2.0);
        t.add("stage 1: base", 3.0);
        t.add("ingest", 1.5);
        assertEquals(List.of("ingest", "stage 1: base"), List.copyOf(t.toMap().keySet()));
        assertEquals(3.5, t.get("ingest"), 1e-12);
        assertEquals(0.0, t.get("report"), 0.0);
        assertTrue(t.add("heads", System.nanoTime()) >= 0);
        assertThrows(IllegalArgumentException.class, () -> t.add("x", -1.0));
        assertThrows(IllegalArgumentException.class, () -> t.add("x", Double.NaN));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PhaseTimes.print(t.toMap(), 10.0, new PrintStream(b, true, StandardCharsets.UTF_8));
        String s = b.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("ingest") && s.contains("3.5 s") && s.contains("35.0%"), s);
    }
}
