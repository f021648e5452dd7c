package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class BenchHeadCommandTest {
    @Test
    void tinyRunPrintsEveryFigure() throws Exception {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int rc = EcrlCommandTest.run(o, e, "bench", "head", "--width", "16", "--steps", "2", "--warmup", "1",
                "--rounds", "2", "--threads", "1", "--sgemm-size", "64", "--json");
        assertEquals(0, rc, e.toString());
        JsonNode j = new ObjectMapper().readTree(o.toString());
        assertEquals(16, j.at("/sizes/d").asInt());
        assertEquals(512, j.at("/sizes/K_g").asInt());
        assertEquals(2, j.at("/ecrl4j/train_rounds").size());
        assertEquals(2, j.at("/sgemm_gflops_rounds").size());
        assertEquals(Math.max(j.at("/sgemm_gflops_rounds/0").asDouble(), j.at("/sgemm_gflops_rounds/1").asDouble()),
                j.at("/sgemm_gflops").asDouble(), 0.0, "the bound uses the best round's rate");
        for (String key : new String[] {"/ecrl4j/train_steps_per_s", "/ecrl4j/infer_batches_per_s",
            "/ecrl4j/infer_recompute_batches_per_s", "/sgemm_gflops", "/bound/train_steps_per_s",
            "/bound/infer_batches_per_s", "/bound/train_fraction"}) {
            assertTrue(j.at(key).asDouble() > 0, key + " in " + j);
        }
        // The FLOP count follows the sizes: d=16 is far below the paper's 22 GFLOP.
        long flops = j.at("/flops/train_step").asLong();
        assertTrue(flops > 0 && flops < 1e9, "train_step FLOPs " + flops);
        assertTrue(j.at("/flops/inference_batch_cached").asLong() < j.at("/flops/inference_batch").asLong());
        assertFalse(j.has("peer"), "no peer without --peer");
        assertTrue(e.toString().contains("round 2/2 ecrl4j"), e.toString());
    }

    @Test
    void bf16RunReportsItsPrecisionAndTheBoundOfEach() throws Exception {
        StringWriter o = new StringWriter(), e = new StringWriter();
        try {
            int rc = EcrlCommandTest.run(o, e, "bench", "head", "--width", "16", "--steps", "2", "--warmup", "1",
                    "--rounds", "1", "--threads", "1", "--sgemm-size", "64", "--precision", "bf16", "--json");
            assertEquals(0, rc, e.toString());
        } finally {
            org.ecrl4j.util.Precision.useByDefault(org.ecrl4j.util.Precision.FP32); // the option sets the process default
        }
        JsonNode j = new ObjectMapper().readTree(o.toString());
        assertEquals("bf16", j.at("/precision").asText());
        assertEquals("bf16", j.at("/bound/precision").asText());
        assertTrue(j.at("/precision_reason").asText().startsWith("requested"), j.toString());
        assertTrue(j.at("/bounds/fp32/gemm_gflops").asDouble() > 0 && j.at("/bounds/bf16/gemm_gflops").asDouble() > 0,
                j.toString());
        assertEquals(j.at("/bf16_gemm_gflops").asDouble(), j.at("/bounds/bf16/gemm_gflops").asDouble(), 0.0);
        assertTrue(j.at("/ecrl4j/train_steps_per_s").asDouble() > 0, j.toString());
        assertTrue(e.toString().contains("precision bf16 (requested"), e.toString());
    }

    @Test
    void badOptionsAreBadUsage() {
        for (String[] bad : new String[][] {{"--steps", "0"}, {"--threads", "0"}, {"--width", "0"},
            {"--precision", "fp16"}, {"--peer", "--peer-precision", "fp16"},
            {"--peer", "--width", "16"}, {"--peer", "--peer-script", "no/such/peer.py"}}) {
            StringWriter o = new StringWriter(), e = new StringWriter();
            String[] args = new String[bad.length + 2];
            args[0] = "bench";
            args[1] = "head";
            System.arraycopy(bad, 0, args, 2, bad.length);
            assertEquals(2, EcrlCommandTest.run(o, e, args), String.join(" ", bad) + ": " + e);
        }
    }
}
