package org.ecrl4j.saliency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.ecrl4j.video.RgbFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code model:PATH} method on a TorchScript file written by the test: a parameter-free module
 * whose output is the mean of the three channels, (1, 3, H, W) -> (1, 1, H, W), so the expected map
 * is known exactly. The archive has the layout PyTorch writes (version 3 records, pickled module,
 * TorchScript source), as in src/test/resources/fixtures/torchscript/tiny_video_backbone.pt.
 */
class ModelSaliencyTest {
    static final String SOURCE = String.join("\n",
            "class MeanSaliency(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  _is_full_backward_hook : Optional[bool]",
            "  def forward(self: __torch__.MeanSaliency,",
            "    x: Tensor) -> Tensor:",
            "    return torch.mean(x, [1], True)",
            "");

    /** Pickle (protocol 2) of a MeanSaliency object with training=False, no backward hook. */
    static byte[] dataPkl() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x80, 2});
        b.writeBytes("c__torch__\nMeanSaliency\nq\u0000)\u0081}(".getBytes(StandardCharsets.ISO_8859_1));
        writeBinUnicode(b, "training");
        b.writeBytes("q\u0001\u0089".getBytes(StandardCharsets.ISO_8859_1));
        writeBinUnicode(b, "_is_full_backward_hook");
        b.writeBytes("q\u0002Nub.".getBytes(StandardCharsets.ISO_8859_1));
        return b.toByteArray();
    }

    private static void writeBinUnicode(ByteArrayOutputStream b, String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        b.write('X');
        b.writeBytes(new byte[] {(byte) u.length, 0, 0, 0});
        b.writeBytes(u);
    }

    static Path writeMeanModel(Path file) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            stored(zip, "mean_saliency/data.pkl", dataPkl());
            stored(zip, "mean_saliency/code/__torch__.py", SOURCE.getBytes(StandardCharsets.UTF_8));
            stored(zip, "mean_saliency/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            stored(zip, "mean_saliency/version", "3\n".getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    @Test
    void torchScriptModelGivesItsMapScaledTo255(@TempDir Path dir) throws IOException {
        Path model = writeMeanModel(dir.resolve("mean.pt"));
        byte[] px = new byte[4 * 3 * 3];
        for (int i = 0; i < 12; i++) {
            px[i * 3] = (byte) (i * 20);
            px[i * 3 + 1] = (byte) 30;
            px[i * 3 + 2] = (byte) 255;
        }
        RgbFrame f = new RgbFrame(4, 3, px);
        try (SaliencyMethod m = SaliencyMethods.create("model:" + model)) {
            assertTrue(m.name().endsWith("mean.pt"));
            List<SaliencyMap> maps = m.compute(List.of(f, f.copy()));
            assertEquals(2, maps.size());
            SaliencyMap map = maps.get(1);
            assertEquals(4, map.width());
            assertEquals(3, map.height());
            for (int i = 0; i < 12; i++) {
                int expected = Math.round((i * 20 + 30 + 255) / 3f);
                assertEquals(expected, map.values()[i] & 0xff, 1, "pixel " + i);
            }
        }
    }
}
