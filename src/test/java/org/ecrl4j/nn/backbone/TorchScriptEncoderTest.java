package org.ecrl4j.nn.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.ecrl4j.data.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The imported backbone on the real files of {@code src/test/resources/fixtures/torchscript/} (a model
 * traced with PyTorch 1.13, an input and the output PyTorch computed for it).
 */
class TorchScriptEncoderTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/torchscript");
    static final Path MODEL = DIR.resolve("tiny_video_backbone.pt");
    static final ClipShape CLIP = new ClipShape(8, 64, 64);

    private static NDArray fixtureInput(NDManager m) throws IOException {
        return Npy.read(DIR.resolve("input_2x3x8x64x64.npy")).toNDArray(m);
    }

    private static float[] expected() throws IOException {
        var e = Npy.read(DIR.resolve("expected_output_2x8x32.npy"));
        assertArrayEquals(new long[] {2, 8, 32}, e.shape());
        return e.toFloatArray();
    }

    private static void assertClose(float[] expected, float[] actual, double tolerance) {
        assertEquals(expected.length, actual.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= tolerance, "largest difference " + worst + " > " + tolerance);
    }

    @Test
    void reproducesPyTorchsOutputFrozen() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchScriptEncoder encoder = TorchScriptEncoder.load(m, MODEL, CLIP, false);
            assertEquals(32, encoder.featureWidth());
            assertFalse(encoder.isTrainable());
            assertTrue(encoder.trainableParameters().isEmpty());
            NDArray x = fixtureInput(m);
            assertEquals(new Shape(2, 3, 8, 64, 64), x.getShape());
            NDArray out = encoder.encode(new ParameterStore(m, false), x, false);
            assertEquals(new Shape(2, 8, 32), out.getShape());
            assertClose(expected(), out.toFloatArray(), 1e-5);
            assertEquals(new Shape(2, 8, 32), encoder.getOutputShapes(new Shape[] {x.getShape()})[0]);
        }
    }

    @Test
    void fineTunedBackboneGivesTheSameOutputAndTakesGradients() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchScriptEncoder encoder = TorchScriptEncoder.load(m, MODEL, CLIP, true);
            assertTrue(encoder.isTrainable());
            int n = encoder.trainableParameters().size();
            assertEquals(6, n, "two Conv3d and one Linear, each with weight and bias");
            NDArray x = fixtureInput(m);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = encoder.encode(new ParameterStore(m, false), x, true);
                assertClose(expected(), out.toFloatArray(), 1e-5);
                gc.backward(out.mul(m.randomNormal(out.getShape())).sum());
            }
            for (Parameter p : encoder.trainableParameters()) {
                float[] g = p.getArray().getGradient().abs().sum().toFloatArray();
                assertTrue(g[0] > 0, p.getName() + " has no gradient");
            }
        }
    }

    @Test
    void frozenBackboneFeedsATrainableHead() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchScriptEncoder encoder = TorchScriptEncoder.load(m, MODEL, CLIP, false);
            Linear fc = Linear.builder().setUnits(3).build();
            fc.initialize(m, DataType.FLOAT32, new Shape(1, 32));
            NDArray x = fixtureInput(m);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray features = encoder.encode(new ParameterStore(m, false), x, true); // (2, 8, 32)
                NDArray logits = fc.forward(new ParameterStore(m, false), new NDList(features.mean(new int[] {1})), true)
                        .head();
                gc.backward(logits.sum());
            }
            NDArray w = fc.getParameters().get("weight").getArray();
            assertTrue(w.getGradient().abs().sum().getFloat() > 0, "the head's weight took no gradient");
        }
    }

    @Test
    void copyAndCheckpointKeepTheWeights() throws IOException, Exception {
        try (NDManager m = NDManager.newBaseManager(); NDManager other = NDManager.newBaseManager()) {
            TorchScriptEncoder encoder = TorchScriptEncoder.load(m, MODEL, CLIP, true);
            // Change one weight so that a copy of the file would differ from a copy of the encoder.
            NDArray bias = encoder.getParameters().get("proj.bias").getArray();
            bias.addi(m.ones(bias.getShape()));
            NDArray x = fixtureInput(m);
            float[] before = encoder.encode(new ParameterStore(m, false), x, false).toFloatArray();

            TorchScriptEncoder twin = encoder.copy(other);
            assertTrue(twin.isTrainable());
            assertArrayEquals(before, twin.encode(new ParameterStore(other, false), x.toDevice(other.getDevice(), true)
                    .duplicate(), false).toFloatArray(), 0f);
            // The copy's weights are its own.
            NDArray twinBias = twin.getParameters().get("proj.bias").getArray();
            twinBias.addi(other.ones(twinBias.getShape()));
            assertArrayEquals(before, encoder.encode(new ParameterStore(m, false), x, false).toFloatArray(), 0f);

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            encoder.saveParameters(new DataOutputStream(bytes));
            TorchScriptEncoder fresh = TorchScriptEncoder.load(m, MODEL, CLIP, true);
            fresh.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertArrayEquals(before, fresh.encode(new ParameterStore(m, false), x, false).toFloatArray(), 0f);
            assertEquals(6, fresh.trainableParameters().size());
        }
    }

    @Test
    void unfreezingAFrozenBackboneLetsItTrain() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchScriptEncoder encoder = TorchScriptEncoder.load(m, MODEL, CLIP, false);
            encoder.setTrainable(true);
            NDArray x = fixtureInput(m);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = encoder.encode(new ParameterStore(m, false), x, true);
                assertClose(expected(), out.toFloatArray(), 1e-5);
                gc.backward(out.sum());
            }
            for (Parameter p : encoder.trainableParameters()) {
                assertTrue(p.getArray().getGradient().abs().sum().getFloat() > 0, p.getName() + " has no gradient");
            }
        }
    }

    @Test
    void notAModelGivesOneClearError() {
        Path bad = DIR.resolve("not_a_model.pt");
        try (NDManager m = NDManager.newBaseManager()) {
            BackboneException e = assertThrows(BackboneException.class,
                    () -> TorchScriptEncoder.load(m, bad, CLIP, false));
            assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("not a TorchScript archive"), e.getMessage());
            assertTrue(e.getMessage().contains("torch.jit.trace"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }

    @Test
    void missingFileAndFolderAreNamed(@TempDir Path tmp) {
        try (NDManager m = NDManager.newBaseManager()) {
            Path missing = tmp.resolve("nope.pt");
            BackboneException e = assertThrows(BackboneException.class,
                    () -> TorchScriptEncoder.load(m, missing, CLIP, false));
            assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("no such"), e.getMessage());
            e = assertThrows(BackboneException.class, () -> TorchScriptEncoder.load(m, tmp, CLIP, false));
            assertTrue(e.getMessage().contains("folder"), e.getMessage());
        }
    }

    /**
     * A model whose forward pools the time axis away (output (B, d)) is refused at load time. The
     * model is the fixture with its forward's last line edited in a copy under a temporary folder.
     */
    @Test
    void wrongOutputRankIsRefusedAtLoad(@TempDir Path tmp) throws IOException {
        Path pooled = editForward(tmp.resolve("pooled.pt"),
                "return (proj).forward(input0, )", "return torch.mean((proj).forward(input0, ), [1])");
        try (NDManager m = NDManager.newBaseManager()) {
            BackboneException e = assertThrows(BackboneException.class,
                    () -> TorchScriptEncoder.load(m, pooled, CLIP, false));
            assertTrue(e.getMessage().contains(pooled.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("(B, T, d)") && e.getMessage().contains("(1, 32)"), e.getMessage());
        }
    }

    @Test
    void wrongInputLayoutIsNamed() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchScriptEncoder encoder = TorchScriptEncoder.load(m, MODEL, CLIP, false);
            NDArray ntchw = fixtureInput(m).transpose(0, 2, 1, 3, 4); // (2, 8, 3, 64, 64)
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> encoder.encode(new ParameterStore(m, false), ntchw, false));
            assertTrue(e.getMessage().contains("(B, 3, T, H, W)"), e.getMessage());
        }
    }

    /**
     * The probe's time limit: a task that does not return is abandoned on a daemon thread (so it
     * cannot keep the JVM from exiting), and the caller gets the message at once.
     */
    @Test
    void aProbeThatDoesNotReturnIsAbandonedOnADaemonThread() throws Exception {
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Thread> runner = new java.util.concurrent.atomic.AtomicReference<>();
        long t0 = System.nanoTime();
        TorchScriptEncoder.ProbeTimeoutException e = assertThrows(TorchScriptEncoder.ProbeTimeoutException.class,
                () -> TorchScriptEncoder.withTimeLimit(() -> {
                    runner.set(Thread.currentThread());
                    never.await();
                    return 1;
                }, 0.2, "too slow"));
        assertEquals("too slow", e.getMessage());
        assertTrue((System.nanoTime() - t0) / 1e9 < 5);
        assertTrue(runner.get().isDaemon() && runner.get().isAlive());
        never.countDown();
        assertEquals(7, TorchScriptEncoder.withTimeLimit(() -> 7, 5, "unused"));
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> TorchScriptEncoder.withTimeLimit(() -> {
                    throw new IllegalStateException("bad model");
                }, 5, "unused"));
        assertEquals("bad model", thrown.getMessage());
        System.setProperty(TorchScriptEncoder.PROBE_TIMEOUT_PROPERTY, "-1");
        try {
            assertTrue(assertThrows(BackboneException.class, TorchScriptEncoder::probeTimeoutSeconds).getMessage()
                    .contains("-Decrl4j.probeTimeoutSeconds=-1"));
        } finally {
            System.clearProperty(TorchScriptEncoder.PROBE_TIMEOUT_PROPERTY);
        }
        assertEquals(60, TorchScriptEncoder.probeTimeoutSeconds());
    }

    /** Copies the fixture archive, replacing one line of the top module's code. */
    private static Path editForward(Path target, String from, String to) throws IOException {
        try (ZipFile zin = new ZipFile(MODEL.toFile());
                OutputStream out = Files.newOutputStream(target); ZipOutputStream zout = new ZipOutputStream(out)) {
            boolean edited = false;
            for (ZipEntry entry : java.util.Collections.list(zin.entries())) {
                String name = entry.getName();
                if (name.endsWith("code/__torch__.py.debug_pkl")) {
                    continue; // source ranges of the old code
                }
                byte[] data;
                try (InputStream in = zin.getInputStream(entry)) {
                    data = in.readAllBytes();
                }
                if (name.endsWith("code/__torch__.py")) {
                    String code = new String(data, StandardCharsets.UTF_8);
                    assertTrue(code.contains(from), code);
                    data = code.replace(from, to).getBytes(StandardCharsets.UTF_8);
                    edited = true;
                }
                ZipEntry copy = new ZipEntry(name);
                copy.setMethod(ZipEntry.STORED);
                copy.setSize(data.length);
                CRC32 crc = new CRC32();
                crc.update(data);
                copy.setCrc(crc.getValue());
                zout.putNextEntry(copy);
                zout.write(data);
                zout.closeEntry();
            }
            assertTrue(edited);
        }
        return target;
    }
}
