package org.ecrl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.ecrl4j.data.VideoSample;
import org.junit.jupiter.api.Test;

class DatasetMapperTest {
    static List<VideoSample> samples(int n) {
        List<VideoSample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new VideoSample(Path.of("v" + i + ".mp4"), "c", "train", null, Map.of()));
        }
        return out;
    }

    @Test
    void keepsInputOrderSkipsAndListsFailuresAndClosesEveryWorkerState() {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        DatasetMapper.Result<Integer> r = DatasetMapper.map(samples(30), DatasetMapper.Options.of(3, "mapped", 5),
                () -> {
                    opened.incrementAndGet();
                    return new Object();
                }, s -> closed.incrementAndGet(), (s, k, state) -> {
                    if (k % 7 == 3) {
                        throw new IllegalArgumentException("bad " + k);
                    }
                    return k * k;
                }, lines::add);
        for (int k = 0; k < 30; k++) {
            if (k % 7 == 3) {
                assertNull(r.outputs().get(k));
            } else {
                assertEquals(k * k, r.outputs().get(k));
            }
        }
        assertEquals(List.of("v3.mp4", "v10.mp4", "v17.mp4", "v24.mp4"),
                r.failures().stream().map(f -> f.video().toString()).sorted((a, b) -> Integer.compare(
                        Integer.parseInt(a.replaceAll("\\D", "")), Integer.parseInt(b.replaceAll("\\D", "")))).toList());
        assertTrue(lines.contains("skipped v10.mp4: bad 10"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("mapped 30/30 videos (") && l.contains("ETA")), lines.toString());
        assertTrue(opened.get() >= 1 && opened.get() <= 3, "one state per worker: " + opened.get());
        assertEquals(opened.get(), closed.get());
    }

    @Test
    void stopsAfterTenFailuresInARowNamingTheLast() {
        AtomicInteger ran = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DatasetMapper.map(samples(100),
                DatasetMapper.Options.of(1, "mapped", 10), Object::new, s -> { }, (s, k, state) -> {
                    ran.incrementAndGet();
                    if (k >= 20) {
                        throw new IllegalArgumentException("cannot decode");
                    }
                    return k;
                }, l -> { }));
        assertTrue(e.getMessage().startsWith("stopped after 10 videos in a row failed, the last v29.mp4: cannot decode"),
                e.getMessage());
        assertEquals(30, ran.get());
    }

    @Test
    void aShardProcessesEveryNthVideoOnly() {
        DatasetMapper.Options o = new DatasetMapper.Options(2, "mapped", 4, 10, new DatasetMapper.Shard(1, 3));
        DatasetMapper.Result<Integer> r = DatasetMapper.map(samples(10), o, Object::new, s -> { }, (s, k, st) -> k,
                l -> { });
        List<Integer> done = r.outputs().stream().filter(x -> x != null).toList();
        assertEquals(List.of(1, 4, 7), done);
        assertThrows(IllegalArgumentException.class, () -> new DatasetMapper.Shard(3, 3));
    }
}
