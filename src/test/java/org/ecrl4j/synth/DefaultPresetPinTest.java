package org.ecrl4j.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.ecrl4j.util.OutputFolder;
import org.ecrl4j.video.RgbFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the default preset byte for byte (issue 15: "the default preset keeps its files byte for
 * byte"). The digests were computed from the code before the hard preset was added; any change to
 * the default rendering, planning, annotation or parameter files changes them.
 */
class DefaultPresetPinTest {
    /** 2 classes, 1 train video per class (every split: 2 + 2 + ... videos) of 16x16, 8 frames. */
    static final SynthConfig SMALL = new SynthConfig(2, 1, 16, 8, 8, 0.9, 0.8, 5, VideoCodec.H264);

    /** SHA-256 over every file's relative path and bytes, in path order (the marker excluded). */
    static final String FILES_DIGEST = "7b878c62947fade2f3af7b6fc2b8ce633095d2a6de160a11a06b71a9a8acee97";
    /** SHA-256 over the raw frames and masks of six default-size (48x48, 16 frames) videos. */
    static final String FRAMES_DIGEST = "f76fc9efc881213aafa3ef4fa10af3c46fbb900d8d93ef9d2cade6e7e220e6b5";

    @TempDir Path tmp;

    @Test
    void aSmallDefaultBenchmarkHasTheSameFilesAsBeforeTheHardPreset() throws Exception {
        Path dir = tmp.resolve("small");
        new BenchmarkWriter(new BenchmarkPlan(SMALL), 2, null).write(dir, false);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals(OutputFolder.MARKER))
                    .sorted().toList();
        }
        for (Path p : files) {
            md.update(dir.relativize(p).toString().replace('\\', '/').getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update(Files.readAllBytes(p));
        }
        assertEquals(FILES_DIGEST, HexFormat.of().formatHex(md.digest()), "files of the default preset changed");
    }

    @Test
    void defaultSizeFramesAndMasksAreTheSameAsBeforeTheHardPreset() throws IOException, Exception {
        EventRenderer renderer = new EventRenderer(48, 16);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 6; i++) {
            EventClass c = EventClass.values()[i];
            VideoSpec spec = VideoSpec.event(c, Background.values()[(i * 3) % 10], ObjectShape.values()[i % 6], 1000 + i);
            RenderedVideo v = renderer.render(spec);
            for (RgbFrame f : v.frames()) {
                md.update(f.pixels());
            }
            for (byte[] m : v.masks()) {
                md.update(m);
            }
        }
        RenderedVideo still = renderer.render(new VideoSpec(EventClass.RISE, Background.NIGHT, ObjectShape.ELL, 7,
                VideoSpec.Motion.STATIC));
        for (RgbFrame f : still.frames()) {
            md.update(f.pixels());
        }
        assertEquals(FRAMES_DIGEST, HexFormat.of().formatHex(md.digest()), "default rendering changed");
    }
}
