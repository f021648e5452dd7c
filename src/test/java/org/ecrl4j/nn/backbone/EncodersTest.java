package org.ecrl4j.nn.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.ecrl4j.data.Npy;
import org.junit.jupiter.api.Test;

class EncodersTest {
    private static float[] run(VideoEncoder e, NDManager m, NDArray x) {
        return e.encode(new ParameterStore(m, false), x, false).toFloatArray();
    }

    @Test
    void specParsing() {
        assertInstanceOf(BackboneSpec.Builtin.class, BackboneSpec.parse("builtin"));
        assertInstanceOf(BackboneSpec.Builtin.class, BackboneSpec.parse(" "));
        assertInstanceOf(BackboneSpec.Builtin.class, BackboneSpec.parse(BackboneSpec.DEFAULT));
        BackboneSpec ts = BackboneSpec.parse("torchscript:models/my backbone.pt");
        assertEquals(new BackboneSpec.TorchScript(Path.of("models/my backbone.pt")), ts);
        assertEquals("torchscript:models/my backbone.pt", ts.toString());
        assertEquals(ts, BackboneSpec.parse(ts.toString()));
        assertEquals(new BackboneSpec.TorchScript(Path.of("a.pt")), BackboneSpec.parse("TorchScript:a.pt"));
        assertTrue(BackboneSpec.parse("builtin").trainsFromScratch());
        assertFalse(ts.trainsFromScratch());

        BackboneException e = assertThrows(BackboneException.class, () -> BackboneSpec.parse("resnet50"));
        assertTrue(e.getMessage().contains("'resnet50'") && e.getMessage().contains("torchscript:PATH"), e.getMessage());
        e = assertThrows(BackboneException.class, () -> BackboneSpec.parse("torchscript:"));
        assertTrue(e.getMessage().contains("path is empty"), e.getMessage());

        assertEquals(EncoderSharing.SHARED, EncoderSharing.parse("shared"));
        assertEquals(EncoderSharing.SEPARATE, EncoderSharing.parse(" Separate "));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> EncoderSharing.parse("two"));
        assertTrue(bad.getMessage().contains("'two'") && bad.getMessage().contains("separate"), bad.getMessage());
    }

    @Test
    void sharedUsesOneNetwork() {
        try (NDManager m = NDManager.newBaseManager()) {
            Encoders enc = Encoders.create(BackboneSpec.parse("builtin"), EncoderSharing.SHARED, m,
                    new ClipShape(8, 32, 32), false, 1);
            assertSame(enc.video(), enc.foreground());
            assertSame(enc.video(), enc.background());
            assertEquals(1, enc.distinct().size());
            assertTrue(enc.isTrainable(), "the built-in backbone trains from scratch");
            assertEquals(enc.video().trainableParameters().size(), enc.trainableParameters().size());
            assertEquals(64, enc.featureWidth());
        }
    }

    @Test
    void separateCopiesStartEqualAndTrainApart() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Encoders enc = Encoders.create(new BackboneSpec.Builtin(), EncoderSharing.SEPARATE, m,
                    new ClipShape(8, 32, 32), false, 2);
            assertEquals(3, enc.distinct().size());
            assertNotSame(enc.video(), enc.foreground());
            assertNotSame(enc.foreground(), enc.background());
            assertEquals(3 * enc.video().trainableParameters().size(), enc.trainableParameters().size());
            NDArray x = m.randomNormal(new Shape(2, 3, 8, 32, 32));
            float[] v = run(enc.video(), m, x);
            assertArrayEquals(v, run(enc.foreground(), m, x), 0f);
            assertArrayEquals(v, run(enc.background(), m, x), 0f);
            NDArray w = enc.foreground().trainableParameters().get(0).getArray();
            w.addi(m.ones(w.getShape()));
            assertFalse(java.util.Arrays.equals(v, run(enc.foreground(), m, x)));
            assertArrayEquals(v, run(enc.video(), m, x), 0f);
            assertArrayEquals(v, run(enc.background(), m, x), 0f);

            // Checkpoint round trip into a fresh set, and a refusal across sharings.
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            enc.saveParameters(new DataOutputStream(bytes));
            float[] s = run(enc.foreground(), m, x);
            Encoders fresh = Encoders.create(new BackboneSpec.Builtin(), EncoderSharing.SEPARATE, m,
                    new ClipShape(8, 32, 32), false, 9);
            fresh.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertArrayEquals(v, run(fresh.video(), m, x), 0f);
            assertArrayEquals(s, run(fresh.foreground(), m, x), 0f);
            Encoders shared = Encoders.create(new BackboneSpec.Builtin(), EncoderSharing.SHARED, m,
                    new ClipShape(8, 32, 32), false, 9);
            IOException e = assertThrows(IOException.class,
                    () -> shared.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
            assertTrue(e.getMessage().contains("--encoders separate"), e.getMessage());
        }
    }

    @Test
    void separateTorchScriptCopiesReproduceTheFixture() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            BackboneSpec spec = BackboneSpec.parse("torchscript:" + TorchScriptEncoderTest.MODEL);
            Encoders frozen = Encoders.create(spec, EncoderSharing.SEPARATE, m, TorchScriptEncoderTest.CLIP, false, 0);
            assertFalse(frozen.isTrainable());
            assertTrue(frozen.trainableParameters().isEmpty());
            Encoders tuned = Encoders.create(spec, EncoderSharing.SEPARATE, m, TorchScriptEncoderTest.CLIP, true, 0);
            assertTrue(tuned.isTrainable());
            assertEquals(18, tuned.trainableParameters().size());
            NDArray x = Npy.read(TorchScriptEncoderTest.DIR.resolve("input_2x3x8x64x64.npy")).toNDArray(m);
            float[] expected = Npy.read(TorchScriptEncoderTest.DIR.resolve("expected_output_2x8x32.npy")).toFloatArray();
            for (Encoders enc : new Encoders[] {frozen, tuned}) {
                for (Encoders.Stream s : Encoders.Stream.values()) {
                    assertArrayEquals(expected, run(enc.get(s), m, x), 1e-5f, s + " of " + enc.sharing());
                }
            }
        }
    }
}
