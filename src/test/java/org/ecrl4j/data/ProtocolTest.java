package org.ecrl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The paper's protocols: which rows train, which test, and val carved out of training. */
class ProtocolTest {
    /** 2 classes; per class 40 train, 10 validate, 20 test rows (MSR-VTT's split names). */
    private static List<VideoSample> samples(String train, String val, String test) {
        List<VideoSample> out = new ArrayList<>();
        int id = 0;
        for (String label : List.of("a", "b")) {
            for (String[] part : new String[][] {{train, "40"}, {val, "10"}, {test, "20"}}) {
                for (int i = 0; i < Integer.parseInt(part[1]); i++) {
                    out.add(new VideoSample(Path.of("v" + id++ + ".mp4"), label, part[0], null, Map.of()));
                }
            }
        }
        return out;
    }

    /** Both classes have these many train, val and test rows. */
    private static void assertCounts(List<VideoSample> s, long train, long val, long test) {
        for (String label : List.of("a", "b")) {
            assertEquals(Map.of("train", train, "val", val, "test", test), s.stream().filter(v -> v.label().equals(label))
                    .collect(Collectors.groupingBy(VideoSample::split, Collectors.counting())), label);
        }
    }

    @Test
    void msrvttTrainsOnTrainAndValidateAndCarvesValFromThem() {
        List<VideoSample> in = samples("train", "validate", "test");
        List<VideoSample> out = Protocol.MSRVTT.apply(in, 0.1, 3);
        // pool 50 per class: 5 to val, 45 train; the 20 test rows stay test.
        assertCounts(out, 45, 5, 20);
        for (int i = 0; i < in.size(); i++) {
            assertEquals(in.get(i).path(), out.get(i).path());
            assertEquals(in.get(i).split().equals("test"), out.get(i).split().equals("test"), "test rows never move");
        }
        assertEquals(out, Protocol.MSRVTT.apply(in, 0.1, 3), "seeded");
        assertNotEquals(out, Protocol.MSRVTT.apply(in, 0.1, 4), "another seed draws other videos");
    }

    @Test
    void activityNetTestsOnItsValidationSubset() {
        List<VideoSample> in = samples("training", "validation", "training");
        List<VideoSample> out = Protocol.ACTIVITYNET.apply(in, 0.25, 1);
        // pool 60 per class: 15 to val; the 10 validation rows become the test split.
        assertCounts(out, 45, 15, 10);
        for (int i = 0; i < in.size(); i++) {
            if (in.get(i).split().equals("validation")) {
                assertEquals("test", out.get(i).split());
            }
        }
    }

    @Test
    void noneKeepsTheSplitsAndBadInputIsOneClearError() {
        List<VideoSample> in = samples("train", "val", "test");
        assertSame(in, Protocol.NONE.apply(in, 0.1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Protocol.MSRVTT.apply(samples("train", "val", "other"), 0.1, 1));
        assertTrue(e.getMessage().contains("--protocol msrvtt") && e.getMessage().contains("no row in test"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Protocol.ACTIVITYNET.apply(in, 1.5, 1));
        assertEquals(Protocol.MSRVTT, Protocol.parse("MSR-VTT"));
        e = assertThrows(IllegalArgumentException.class, () -> Protocol.parse("kinetics"));
        assertTrue(e.getMessage().contains("msrvtt, activitynet or none"), e.getMessage());
    }
}
