package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check-videos on the hardening cases of issue 10: symlinks out of the folder, truncation, skipped files. */
class CheckVideosCommandTest {
    static final Path VIDEOS = Path.of("src/test/resources/fixtures/videos").toAbsolutePath().normalize();
    static final Path TRUNCATED = Path.of("src/test/resources/fixtures/truncated/h264_header4s_truncated.mkv")
            .toAbsolutePath().normalize();

    @Test
    void aSymlinkOutOfTheFolderIsRefusedNotChecked(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ds/cls"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere/frames"));
        Files.copy(VIDEOS.resolve("rotated_90.mov"), tmp.resolve("elsewhere/secret.mov"));
        Files.copy(VIDEOS.resolve("rotated_90.mov"), dir.resolve("ok.mov"));
        Files.createSymbolicLink(dir.resolve("evil.mov"), tmp.resolve("elsewhere/secret.mov"));
        Files.createSymbolicLink(dir.resolve("linked"), tmp.resolve("elsewhere"));
        Path root = tmp.resolve("ds");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, EcrlCommandTest.run(out, err, "check-videos", root.toString()), err.toString());
        String o = out.toString();
        assertTrue(o.contains("ok   " + dir.resolve("ok.mov") + "  320x568  3 frames"), o);
        assertTrue(o.contains("BAD  " + root + ": " + dir.resolve("evil.mov") + " resolves outside the dataset root "
                + root + " (through a symlink); "), o);
        assertTrue(o.contains("BAD  " + root + ": " + dir.resolve("linked") + " resolves outside the dataset root "
                + root + " (through a symlink); "), o);
        assertFalse(o.contains("ok   " + dir.resolve("evil.mov")), o);
        assertTrue(o.contains("3 videos checked, 1 good, 2 bad"), o);
        assertEquals(1, EcrlCommandTest.run(new StringWriter(), new StringWriter(), "check-videos", root.toString(),
                "--strict"));
    }

    /** train --data and extract refuse a class folder symlinked out of a folder dataset, in one line. */
    @Test
    void trainAndExtractRefuseAClassFolderSymlinkedOut(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("ds/a"));
        Files.copy(VIDEOS.resolve("rotated_90.mov"), root.resolve("ok.mov"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.copy(VIDEOS.resolve("rotated_90.mov"), elsewhere.resolve("secret.mov"));
        Path ds = tmp.resolve("ds");
        Files.createSymbolicLink(ds.resolve("b"), elsewhere);
        String line = "error: " + ds + ": " + ds.resolve("b") + " resolves outside the dataset root " + ds
                + " (through a symlink); it leads to " + elsewhere.toRealPath() + ": copy the file into the dataset"
                + " folder, or set the dataset root to a folder that holds it";
        for (String[] args : List.of(
                new String[] {"extract", "--data", ds.toString(), "--out", tmp.resolve("f.npz").toString()},
                new String[] {"train", "--data", ds.toString(), "--out", tmp.resolve("run").toString()})) {
            StringWriter err = new StringWriter();
            assertEquals(1, EcrlCommandTest.run(new StringWriter(), err, args), err.toString());
            assertEquals(line, err.toString().strip(), args[0]);
        }
    }

    @Test
    void aTruncatedVideoIsAWarningAndAnErrorWithStrict(@TempDir Path tmp) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, EcrlCommandTest.run(out, err, "check-videos", TRUNCATED.toString()), err.toString());
        String o = out.toString();
        assertTrue(o.contains("WARN " + TRUNCATED + ": truncated: decodes to 2.00 s of the 4.10 s its header states"), o);
        assertFalse(o.contains("ok   " + TRUNCATED), o);
        assertTrue(o.contains("1 videos checked, 1 good, 0 bad, 1 truncated"), o);
        out = new StringWriter();
        assertEquals(1, EcrlCommandTest.run(out, new StringWriter(), "check-videos", "--strict", TRUNCATED.toString()));
        assertTrue(out.toString().contains("BAD  " + TRUNCATED + ": truncated: decodes to 2.00 s"), out.toString());
        assertTrue(out.toString().contains("1 videos checked, 0 good, 1 bad"), out.toString());
        // The whole video is not reported: the fixtures' durations match their headers.
        out = new StringWriter();
        EcrlCommandTest.run(out, new StringWriter(), "check-videos", VIDEOS.toString());
        assertFalse(out.toString().contains("truncated"), out.toString());
    }

    @Test
    void everyFileNotCheckedIsListedWithItsReason(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ds"));
        Files.copy(VIDEOS.resolve("rotated_90.mov"), dir.resolve("a.mov"));
        Files.writeString(dir.resolve("song.m4a"), "not checked");
        Files.writeString(dir.resolve("notes.txt"), "not checked");
        Files.writeString(dir.resolve("README"), "not checked");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, EcrlCommandTest.run(out, err, "check-videos", dir.toString()), err.toString());
        String o = out.toString();
        assertTrue(o.contains("skip " + dir.resolve("song.m4a") + ": not checked: '.m4a' is not a video file ending"), o);
        assertTrue(o.contains("skip " + dir.resolve("notes.txt") + ": not checked: '.txt' is not a video file ending"), o);
        assertTrue(o.contains("skip " + dir.resolve("README") + ": not checked: no file name ending"), o);
        assertTrue(o.contains("1 videos checked, 1 good, 0 bad; 3 files not checked"), o);
    }
}
