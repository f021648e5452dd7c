package org.ecrl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What DatasetWriters writes, DatasetReaders reads back unchanged. */
class DatasetWritersTest {

    @Test
    void csvAndClassesRoundTrip(@TempDir Path tmp) throws IOException {
        Path dir = tmp.toAbsolutePath();
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("background", "dots, \"big\"");
        attrs.put("shape", "circle");
        attrs.put("seed", "7");
        List<VideoSample> samples = List.of(
                new VideoSample(dir.resolve("videos/a.mp4"), "push", "train", null, attrs),
                new VideoSample(dir.resolve("videos/sub/b.mp4"), "pull", "bg-shift",
                        new VideoSample.Segment(0.5, 2.25), Map.of("seed", "8")),
                new VideoSample(dir.resolve("frames/c"), "pull", "", null, Map.of()));
        Path csv = dir.resolve("annotations.csv");
        DatasetWriters.writeCsv(csv, samples);
        assertTrue(Files.readString(csv).startsWith("path,label,split,start,end,background,shape,seed\n"
                + "videos/a.mp4,push,train,,,\"dots, \"\"big\"\"\",circle,7\n"), Files.readString(csv));
        List<VideoSample> back = DatasetReaders.read(csv);
        assertEquals(samples.get(1).segment(), back.get(1).segment());
        assertEquals(samples.get(0), back.get(0));
        assertEquals(Map.of("background", "", "shape", "", "seed", "8"), back.get(1).attributes());
        assertEquals(samples.get(2).path(), back.get(2).path());

        DatasetWriters.writeClasses(dir, List.of("push", "pull"));
        assertEquals(List.of("push", "pull"), DatasetReaders.classes(csv, back));
        assertThrows(IllegalArgumentException.class, () -> DatasetWriters.writeClasses(dir, List.of("a", "a")));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetWriters.writeCsv(
                dir.resolve("sub/x.csv"), samples));
        assertTrue(e.getMessage().contains("is outside"), e.getMessage());
    }
}
