package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.data.NpyArray;
import org.ecrl4j.data.Npz;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad feature files stop train, eval and report with exit code 1 and one line naming the file,
 * the array, the first bad index and the fix; never a score computed from them, never a stack trace.
 */
class FeatureChecksCommandTest {
    @TempDir Path dir;
    Path runDir;

    static FeatureSet planted(int n, int t, int d, long seed) {
        return TrainEvalCommandTest.planted(n, t, d, seed);
    }

    static TrainEvalCommandTest.Run run(String... args) {
        return new TrainEvalCommandTest().run(args);
    }

    @BeforeEach
    void trainARun() throws Exception {
        Path train = dir.resolve("train.npz");
        planted(30, 4, 8, 1).save(train);
        runDir = dir.resolve("run");
        TrainEvalCommandTest.Run r = run("train", "--features", train.toString(), "--config", "base", "--out", runDir.toString(),
                "--epochs", "1");
        assertEquals(0, r.code(), r.err());
    }

    /** planted(12, 4, 8) with {@code edit} applied to its arrays, saved as {@code name}. */
    Path features(String name, java.util.function.Consumer<Map<String, Object>> edit) throws Exception {
        FeatureSet f = planted(12, 4, 8, 2);
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("video", f.stream("video").clone());
        raw.put("background", f.stream("background").clone());
        raw.put("label", f.labels());
        edit.accept(raw);
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("video", NpyArray.ofFloats((float[]) raw.get("video"), 12, 4, 8));
        arrays.put("foreground", NpyArray.ofFloats(f.stream("foreground"), 12, 4, 8));
        arrays.put("background", NpyArray.ofFloats((float[]) raw.get("background"), 12, 4, 8));
        arrays.put("label", NpyArray.ofLongs((long[]) raw.get("label"), 12));
        Path file = dir.resolve(name);
        Npz.write(file, arrays, true);
        return file;
    }

    static void assertOneLineError(TrainEvalCommandTest.Run r, String expected) {
        assertEquals(1, r.code(), r.err());
        // train logs "loading FILE" first; the error itself is the last line, and the only one
        String[] lines = r.err().split("\\R");
        assertEquals("error: " + expected, lines[lines.length - 1]);
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("error:") || l.contains("\tat ")).count(), r.err());
    }

    @Test
    void evalRefusesNonFiniteFeaturesAndLabelsOutsideTheRunsClasses() throws Exception {
        Path nan = features("nan.npz", a -> ((float[]) a.get("video"))[(3 * 4 + 0) * 8 + 5] = Float.NaN);
        assertOneLineError(run("eval", "--run", runDir.toString(), "--features", nan.toString()),
                nan + ": array 'video' holds NaN at [3, 0, 5]; features must be finite: re-extract them or drop video 3");

        Path inf = features("inf.npz", a -> ((float[]) a.get("background"))[(7 * 4 + 2) * 8 + 1] = Float.POSITIVE_INFINITY);
        assertOneLineError(run("eval", "--run", runDir.toString(), "--features", inf.toString()), inf
                + ": array 'background' holds Infinity at [7, 2, 1]; features must be finite: re-extract them or drop video 7");

        Path huge = features("huge.npz", a -> ((long[]) a.get("label"))[5] = 1L << 40);
        assertOneLineError(run("eval", "--run", runDir.toString(), "--features", huge.toString()), huge
                + ": array 'label' holds 1099511627776 at [5]; labels must be class indices in [0, 3) (3 classes):"
                + " fix the label of video 5 or drop it");

        Path three = features("three.npz", a -> ((long[]) a.get("label"))[9] = 3);
        assertOneLineError(run("eval", "--run", runDir.toString(), "--features", three.toString()), three
                + ": array 'label' holds 3 at [9]; labels must be class indices in [0, 3) (3 classes):"
                + " fix the label of video 9 or drop it");
        assertTrue(Files.list(runDir).noneMatch(p -> p.getFileName().toString().startsWith("eval-")),
                "no metrics written from bad features");
    }

    @Test
    void trainRefusesNonFiniteFeaturesAtLoad() throws Exception {
        Path nan = features("nan-train.npz", a -> ((float[]) a.get("background"))[(2 * 4 + 3) * 8 + 7] = Float.NaN);
        assertOneLineError(run("train", "--features", nan.toString(), "--out", dir.resolve("r2").toString(),
                "--epochs", "1"), nan + ": array 'background' holds NaN at [2, 3, 7]; features must be finite:"
                + " re-extract them or drop video 2");
        Path val = features("val.npz", a -> ((long[]) a.get("label"))[0] = 3);
        assertOneLineError(run("train", "--features", dir.resolve("train.npz").toString(), "--val", val.toString(),
                "--classes", "3", "--out", dir.resolve("r3").toString(), "--epochs", "1"), val
                + ": array 'label' holds 3 at [0]; labels must be class indices in [0, 3) (3 classes):"
                + " fix the label of video 0 or drop it");
    }

    @Test
    void maxArrayBytesIsHonouredByEveryCommandReadingFeatures() throws Exception {
        Path ok = features("ok.npz", a -> { });
        String over = ok + ": array 'video' declares shape (12, 4, 8) float32, 1536 bytes (1.5 KiB), over the limit"
                + " of 1024 bytes (--max-array-bytes, default a quarter of the heap); if the file is genuine raise"
                + " --max-array-bytes and the heap (java -Xmx), else re-export it";
        assertOneLineError(run("eval", "--run", runDir.toString(), "--features", ok.toString(),
                "--max-array-bytes", "1k"), over);
        assertOneLineError(run("train", "--features", ok.toString(), "--out", dir.resolve("r4").toString(),
                "--max-array-bytes", "1024"), over);
        assertOneLineError(run("report", "--run", runDir.toString(), "--features", ok.toString(),
                "--max-array-bytes", "1k"), over);
        assertEquals(0, run("eval", "--run", runDir.toString(), "--features", ok.toString(),
                "--max-array-bytes", "1m").code());
        TrainEvalCommandTest.Run bad = run("eval", "--run", runDir.toString(), "--features", ok.toString(), "--max-array-bytes", "lots");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("'lots' is not a byte count"), bad.err());
    }
}
