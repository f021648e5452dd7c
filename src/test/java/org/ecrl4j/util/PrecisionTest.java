package org.ecrl4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PrecisionTest {
    @Test
    void autoPicksBf16OnlyWithBf16Instructions() {
        assertEquals(Precision.BF16, Precision.choose("auto", Set.of("avx2", "avx512f", "avx512_bf16")).precision());
        assertEquals(Precision.BF16, Precision.choose("auto", Set.of("amx_bf16", "amx_tile")).precision());
        Precision.Choice c = Precision.choose("auto", Set.of("avx2", "avx512f", "avx512_fp16"));
        assertEquals(Precision.FP32, c.precision());
        assertTrue(c.reason().contains("neither avx512_bf16 nor amx_bf16"), c.reason());
        assertTrue(Precision.choose("AUTO", Set.of("avx512_bf16")).describe().startsWith("precision bf16 (auto: the CPU has avx512_bf16"));
    }

    @Test
    void explicitChoicesAreKeptAndBf16WithoutHardwareSaysItIsEmulated() {
        assertEquals(Precision.FP32, Precision.choose("fp32", Set.of("avx512_bf16")).precision());
        Precision.Choice c = Precision.choose("bf16", Set.of("avx2"));
        assertEquals(Precision.BF16, c.precision());
        assertTrue(c.reason().contains("emulates"), c.reason());
    }

    @Test
    void theStartPropertyNamesTheDefaultOfAJvmOfItsOwn() {
        assertEquals(Precision.BF16, Precision.fromProperty("bf16"));
        assertEquals(Precision.BF16, Precision.fromProperty(" BF16 "));
        assertEquals(Precision.FP32, Precision.fromProperty("fp32"));
        assertEquals(Precision.FP32, Precision.fromProperty(null));
    }

    @Test
    void anythingElseNamesTheAcceptedValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Precision.choose("fp16", Set.of()));
        assertEquals("--precision must be fp32, bf16 or auto, got 'fp16'", e.getMessage());
    }

    @Test
    void thisMachinesFlagsAreRead() {
        // /proc/cpuinfo exists on the Linux machines the tests run on; every x86-64 CPU has sse2
        assertTrue(Precision.cpuFlags().contains("sse2") || !System.getProperty("os.arch").contains("64"),
                "cpu flags: " + Precision.cpuFlags().size());
    }
}
