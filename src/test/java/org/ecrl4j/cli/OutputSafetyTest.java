package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: no command writes into a folder or over a file that is not its own, a failed run leaves
 * nothing behind, and every output path is checked before any work starts.
 */
class OutputSafetyTest {
    @TempDir Path dir;

    static VideoPipelineCommandsTest.Result cli(String... args) {
        return VideoPipelineCommandsTest.cli(args);
    }

    /** The error output is exactly one line, "error: ...", with no stack trace. */
    static String oneLine(VideoPipelineCommandsTest.Result r) {
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).filter(l -> l.startsWith("error: ")
                || l.startsWith("\tat ") || l.contains("Exception")).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("error: "), r.err());
        return lines.get(0);
    }

    Path features() throws Exception {
        Path train = dir.resolve("train.npz");
        if (!Files.exists(train)) {
            TrainEvalCommandTest.planted(24, 4, 8, 1).save(train);
        }
        return train;
    }

    VideoPipelineCommandsTest.Result train(Path out, String... extra) throws Exception {
        return cli(VideoPipelineCommandsTest.args(new String[] {"train", "--features", features().toString(), "--out",
            out.toString(), "--config", "base", "--epochs", "1"}, extra));
    }

    @Test
    void trainRefusesAFolderWithSomeoneElsesFilesEvenWithOverwrite() throws Exception {
        Path mine = dir.resolve("mine");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("notes.txt"), "keep me");
        for (String[] extra : new String[][] {{}, {"--overwrite"}}) {
            VideoPipelineCommandsTest.Result r = train(mine, extra);
            assertEquals(1, r.code(), r.err());
            assertEquals("error: " + mine + " is not empty and is not an ecrl4j output folder; choose another --out",
                    oneLine(r));
        }
        try (Stream<Path> s = Files.list(mine)) {
            assertEquals(List.of(mine.resolve("notes.txt")), s.toList());
        }
        assertEquals("keep me", Files.readString(mine.resolve("notes.txt")));
    }

    @Test
    void aSecondTrainIsRefusedAndOverwriteReplacesTheRun() throws Exception {
        Path run = dir.resolve("run");
        assertEquals(0, train(run).code());
        assertTrue(Files.isRegularFile(run.resolve(".ecrl4j-run")), "the marker is written");
        Files.writeString(run.resolve("left-from-the-first-run.txt"), "x");
        VideoPipelineCommandsTest.Result again = train(run);
        assertEquals(1, again.code());
        assertEquals("error: " + run + " already holds a run; pass --overwrite", oneLine(again));
        assertTrue(Files.exists(run.resolve("left-from-the-first-run.txt")), "a refused run deletes nothing");
        VideoPipelineCommandsTest.Result over = train(run, "--overwrite");
        assertEquals(0, over.code(), over.err());
        assertFalse(Files.exists(run.resolve("left-from-the-first-run.txt")), "--overwrite replaces the folder");
        assertTrue(Files.isRegularFile(run.resolve("config.json")));
    }

    @Test
    void aFailedRunLeavesNothingBehind() throws Exception {
        Path fresh = dir.resolve("a/b/fresh");
        VideoPipelineCommandsTest.Result r = cli("train", "--features", dir.resolve("nope.npz").toString(), "--out",
                fresh.toString());
        assertEquals(1, r.code());
        assertFalse(Files.exists(dir.resolve("a")), "no folder is left behind");
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        assertEquals(1, cli("train", "--features", dir.resolve("nope.npz").toString(), "--out", empty.toString()).code());
        try (Stream<Path> s = Files.list(empty)) {
            assertEquals(0, s.count(), "an empty folder stays empty");
        }
    }

    @Test
    void aTrainDataRunThatFailsBeforeAnyEpochLeavesNoRequestBehind() throws Exception {
        Path csv = dir.resolve("missing-videos.csv");
        Files.writeString(csv, "path,label,split\nnone1.mp4,a,train\nnone2.mp4,b,train\n");
        Path out = dir.resolve("video-run");
        VideoPipelineCommandsTest.Result r = cli("train", "--data", csv.toString(), "--out", out.toString(),
                "--size", "16", "--frames", "4", "--stage1-epochs", "1", "--epochs", "1");
        assertEquals(1, r.code(), r.err());
        assertFalse(Files.exists(out), "no run folder (and no request.json) is left: " + r.err());
    }

    @Test
    void anOutThatIsAFileOrCannotBeCreatedGetsOneLineWithTheFix() throws Exception {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "keep me");
        VideoPipelineCommandsTest.Result r = train(file);
        assertEquals(1, r.code());
        assertEquals("error: " + file + " is a file, not a folder; choose another --out", oneLine(r));
        assertEquals("keep me", Files.readString(file));
        Path proc = Path.of("/proc/ecrl4j-x");
        VideoPipelineCommandsTest.Result p = train(proc);
        assertEquals(1, p.code());
        String line = oneLine(p);
        assertTrue(line.startsWith("error: cannot create the folder " + proc + " (") && line.endsWith("); choose another --out"),
                line);
    }

    @Test
    void extractChecksItsOutputBeforeAnyWork() throws Exception {
        Path noData = dir.resolve("no-such-annotations.csv");
        Path folder = dir.resolve("folder.npz");
        Files.createDirectories(folder);
        VideoPipelineCommandsTest.Result r = cli("extract", "--data", noData.toString(), "--out", folder.toString());
        assertEquals(1, r.code());
        assertEquals("error: " + folder + " is a folder; --out names the file to write: choose a file name such as"
                + " FEATURES.npz", oneLine(r));

        Path users = dir.resolve("users.npz");
        try (OutputStream o = Files.newOutputStream(users); ZipOutputStream zip = new ZipOutputStream(o)) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(new byte[] {1, 2, 3});
            zip.closeEntry();
        }
        byte[] before = Files.readAllBytes(users);
        r = cli("extract", "--data", noData.toString(), "--out", users.toString());
        assertEquals(1, r.code());
        assertEquals("error: " + users + " already exists; pass --overwrite to replace it, or choose another --out",
                oneLine(r));
        r = cli("extract", "--data", noData.toString(), "--out", users.toString(), "--overwrite");
        assertEquals(1, r.code());
        assertEquals("error: " + users + " was not written by ecrl4j; --overwrite replaces only files ecrl4j wrote:"
                + " choose another --out", oneLine(r));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(users)), "the user's file is untouched");

        // A feature file we wrote may be replaced: the check passes and the command goes on to read --data.
        Path ours = features();
        r = cli("extract", "--data", noData.toString(), "--out", ours.toString(), "--overwrite");
        assertEquals(1, r.code());
        assertTrue(oneLine(r).contains(noData.toString()), r.err());

        Path unwritable = Path.of("/proc/ecrl4j-x/features.npz");
        r = cli("extract", "--data", noData.toString(), "--out", unwritable.toString());
        assertEquals(1, r.code());
        String line = oneLine(r);
        assertTrue(line.startsWith("error: cannot write ") && line.contains("/proc")
                && line.endsWith("; choose another --out"), line);
    }

    @Test
    void saliencyEvalRefusesToReplaceAFileItDidNotWrite() throws Exception {
        Path users = dir.resolve("result.json");
        Files.writeString(users, "{\"mine\": true}\n");
        for (String[] extra : new String[][] {{}, {"--overwrite"}}) {
            VideoPipelineCommandsTest.Result r = cli(VideoPipelineCommandsTest.args(new String[] {"saliency-eval",
                "--data", dir.resolve("no-such-benchmark").toString(), "--out", users.toString()}, extra));
            assertEquals(1, r.code(), r.err());
            assertTrue(oneLine(r).startsWith("error: " + users + " "), r.err());
        }
        assertEquals("{\"mine\": true}\n", Files.readString(users));
    }

    @Test
    void aKilledSynthIsReplacedWithOverwrite() throws Exception {
        Path out = dir.resolve("bench");
        String[] synth = {"synth", "--out", out.toString(), "--classes", "2", "--per-class", "1", "--size", "16",
            "--frames", "8", "--threads", "1"};
        assertEquals(0, cli(synth).code());
        // What a kill leaves: the marker (written first), some videos and masks, a half-written file, no
        // benchmark.json, classes.txt or annotations.csv (written last).
        Files.delete(out.resolve("benchmark.json"));
        Files.delete(out.resolve("classes.txt"));
        Files.delete(out.resolve("annotations.csv"));
        Path stale = out.resolve("videos/train/.0.mp4.123456.tmp");
        Files.writeString(stale, "half");
        VideoPipelineCommandsTest.Result refused = cli(synth);
        assertEquals(1, refused.code());
        assertEquals("error: " + out + " already holds a run; pass --overwrite", oneLine(refused));
        VideoPipelineCommandsTest.Result r = cli(VideoPipelineCommandsTest.args(synth, "--overwrite"));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("annotations.csv")));
        assertFalse(Files.exists(stale), "the stale temporary file is gone");
    }

    @Test
    void demoAndAblateRefuseAFolderWithSomeoneElsesFiles() throws Exception {
        Path mine = dir.resolve("mine");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("notes.txt"), "keep me");
        VideoPipelineCommandsTest.Result d = cli("demo", "--out", mine.toString(), "--quick");
        assertEquals(1, d.code());
        assertEquals("error: " + mine + " is not empty and is not an ecrl4j output folder; choose another --out",
                oneLine(d));
        VideoPipelineCommandsTest.Result a = cli("ablate", "--data", features().toString(), "--table", "3", "--out",
                mine.toString(), "--quick");
        assertEquals(1, a.code());
        assertEquals("error: " + mine + " is not empty and is not an ecrl4j output folder; choose another --out",
                oneLine(a));
        VideoPipelineCommandsTest.Result s = cli("saliency", VideoCommandsTest.VIDEOS.resolve("h264_340x256_300f.mp4")
                .toString(), "--out", mine.toString());
        assertEquals(1, s.code());
        assertEquals("error: " + mine + " is not empty and is not an ecrl4j output folder; choose another --out",
                oneLine(s));
        try (Stream<Path> st = Files.list(mine)) {
            assertEquals(1, st.count());
        }
    }
}
