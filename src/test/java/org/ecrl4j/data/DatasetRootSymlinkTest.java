package org.ecrl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A symlink inside the dataset root that points outside it is refused by every reader, for video
 * files and for folders (issue 10, case 2); one that stays inside is followed.
 */
class DatasetRootSymlinkTest {
    static final Path VIDEOS = DatasetReadersTest.VIDEOS;

    @TempDir
    Path tmp;

    /** The dataset root, and beside it (outside) a folder holding a real video. */
    Path root;
    Path outside;

    void layout() throws IOException {
        root = Files.createDirectories(tmp.resolve("ds"));
        outside = Files.createDirectories(tmp.resolve("elsewhere/cls"));
        Files.copy(VIDEOS.resolve("h264_340x256_300f.mp4"), outside.resolve("secret.mp4"));
    }

    static String error(org.junit.jupiter.api.function.Executable e) {
        String m = assertThrows(AnnotationException.class, e).getMessage();
        assertTrue(!m.contains("\n"), "one line: " + m);
        return m;
    }

    static void assertRefused(String m, Path file, long line, Path video, Path root) {
        String where = file + (line > 0 ? ":" + line : "") + ": ";
        assertTrue(m.startsWith(where + video + " resolves outside the dataset root " + root + " (through a symlink); "), m);
    }

    @Test
    void csvRefusesAVideoSymlinkedOutOfTheRoot() throws IOException {
        layout();
        Files.copy(VIDEOS.resolve("xvid_320x240_164f.avi"), root.resolve("ok.avi"));
        Files.createSymbolicLink(root.resolve("evil.mp4"), outside.resolve("secret.mp4"));
        Path csv = DatasetReadersTest.write(root.resolve("a.csv"), "path,label\nok.avi,x\nevil.mp4,y\n");
        assertRefused(error(() -> DatasetReaders.read(csv)), csv, 3, root.resolve("evil.mp4"), root);
    }

    @Test
    void listRefusesAFolderSymlinkedOutOfTheRoot() throws IOException {
        layout();
        Files.createSymbolicLink(root.resolve("cls"), outside);
        Path list = DatasetReadersTest.write(root.resolve("train.txt"), "cls/secret.mp4 1\n");
        assertRefused(error(() -> DatasetReaders.read(list)), list, 1, root.resolve("cls/secret.mp4"), root);
    }

    @Test
    void msrVttRefusesAVideosFolderSymlinkedOut() throws IOException {
        layout();
        Files.createSymbolicLink(root.resolve("videos"), outside);
        Files.copy(outside.resolve("secret.mp4"), outside.resolve("video1.mp4"));
        Path json = DatasetReadersTest.write(root.resolve("videodatainfo.json"),
                "{\"videos\": [\n{\"video_id\": \"video1\", \"category\": 3, \"split\": \"train\"}\n]}\n");
        DatasetReaders.Options o = DatasetReaders.Options.defaults().withVideosDir(root.resolve("videos")).withRoot(root);
        assertRefused(error(() -> DatasetReaders.read(json, o)), json, 2, root.resolve("videos/video1.mp4"), root);
    }

    @Test
    void folderPerClassRefusesAClassFolderOrVideoSymlinkedOut() throws IOException {
        layout();
        Files.createDirectories(root.resolve("a"));
        Files.copy(VIDEOS.resolve("xvid_320x240_164f.avi"), root.resolve("a/ok.avi"));
        Files.createSymbolicLink(root.resolve("b"), outside);
        assertRefused(error(() -> DatasetReaders.read(root)), root, 0, root.resolve("b"), root);

        Files.delete(root.resolve("b"));
        Files.createDirectories(root.resolve("b"));
        Files.createSymbolicLink(root.resolve("b/evil.mp4"), outside.resolve("secret.mp4"));
        assertRefused(error(() -> DatasetReaders.read(root)), root, 0, root.resolve("b/evil.mp4"), root);
    }

    @Test
    void symlinksThatStayInsideTheRootAreFollowed() throws IOException {
        layout();
        Path store = Files.createDirectories(root.resolve("store"));
        Files.copy(VIDEOS.resolve("xvid_320x240_164f.avi"), store.resolve("v.avi"));
        Files.createDirectories(root.resolve("cls"));
        Files.createSymbolicLink(root.resolve("cls/v.avi"), Path.of("../store/v.avi"));
        Path list = DatasetReadersTest.write(root.resolve("train.txt"), "cls/v.avi x\n");
        List<VideoSample> s = DatasetReaders.read(list);
        assertEquals(root.resolve("cls/v.avi"), s.get(0).path());
        // A root that is itself reached through a symlink: compared by real paths, so still inside.
        Path alias = Files.createSymbolicLink(tmp.resolve("alias"), root);
        assertEquals(1, DatasetReaders.read(alias.resolve("train.txt")).size());
    }
}
