package org.ecrl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ecrl4j.data.VideoSample;
import org.junit.jupiter.api.Test;

class ClipStoreTest {
    static final Path VIDEOS = Path.of("src/test/resources/fixtures/videos");

    static VideoSample sample(String file, String label, String split) {
        return new VideoSample(VIDEOS.resolve(file), label, split, null, Map.of());
    }

    @Test
    void ingestsGoodVideosAndSkipsBadOnesWithTheReason() {
        List<VideoSample> samples = List.of(
                sample("h264_340x256_300f.mp4", "a", "train"),
                sample("corrupted.mp4", "a", "train"),
                sample("xvid_320x240_164f.avi", "b", "test"),
                sample("missing.mp4", "b", "test"),
                sample("flipping_pancake.mkv", "zzz", "test"));
        List<String> progress = new ArrayList<>();
        ClipStore store = ClipStore.ingest(samples, List.of("a", "b"), 4, 32, "spectral", 2, progress::add);
        assertEquals(2, store.clips().size());
        assertEquals(3, store.failures().size());
        assertEquals(1, store.split("train").size());
        StoredClip c = store.split("test").get(0);
        assertEquals(1, c.label());
        assertEquals(4, c.frames().size());
        assertEquals(32, c.frames().get(0).width());
        assertEquals(32, c.saliency().get(3).height());
        // Evaluation sampling: the centre of each of 4 segments of 164 frames.
        assertEquals(List.of(20, 61, 102, 143), java.util.Arrays.stream(c.frameIndices()).boxed().toList());
        String all = String.join("\n", progress);
        assertTrue(all.contains("corrupted.mp4") && all.contains("missing.mp4") && all.contains("'zzz'"), all);
    }
}
