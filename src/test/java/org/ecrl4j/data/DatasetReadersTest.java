package org.ecrl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each annotation format on small files built here, pointing at the real fixture videos. */
class DatasetReadersTest {
    static final Path VIDEOS = Path.of("src/test/resources/fixtures/videos").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    /**
     * Copies the fixture video {@code fixture} to {@code link}, creating folders. (A copy, not a
     * symlink: a symlink out of the dataset root is refused, see DatasetRootSymlinkTest.)
     */
    static Path link(Path link, String fixture) throws IOException {
        Files.createDirectories(link.getParent());
        Path target = VIDEOS.resolve(fixture);
        assertTrue(Files.isRegularFile(target), "fixture missing: " + target);
        return Files.copy(target, link);
    }

    static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, content);
    }

    static List<String> labels(List<VideoSample> s) {
        return s.stream().map(VideoSample::label).toList();
    }

    static List<String> names(List<VideoSample> s) {
        return s.stream().map(v -> v.path().getFileName().toString()).toList();
    }

    private <T extends Throwable> String error(Class<T> type, org.junit.jupiter.api.function.Executable e) {
        return assertThrows(type, e).getMessage();
    }

    // ---------------------------------------------------------------- folder per class

    @Test
    void aFolderWithItsOwnAnnotationsIsReadThroughThem() throws IOException {
        // The layout ecrl4j synth writes: videos/<split>/..., masks/..., annotations.csv, classes.txt.
        Path ds = tmp.resolve("bench");
        link(ds.resolve("videos/train/0.mp4"), "h264_340x256_300f.mp4");
        link(ds.resolve("videos/val/1.avi"), "xvid_320x240_164f.avi");
        Files.createDirectories(ds.resolve("masks/train"));
        write(ds.resolve("annotations.csv"), "path,label,split\nvideos/train/0.mp4,rise,train\nvideos/val/1.avi,fall,val\n");
        write(ds.resolve("classes.txt"), "rise\nfall\n");
        List<VideoSample> s = DatasetReaders.read(ds);
        assertEquals(List.of("rise", "fall"), labels(s), "rows of annotations.csv, not the folders videos/ and masks/");
        assertEquals(ds.resolve("videos/train/0.mp4"), s.get(0).path());
        assertEquals(List.of("rise", "fall"), DatasetReaders.classes(ds, s));
    }

    @Test
    void folderPerClassWithVideosAndFrameFolders() throws IOException {
        Path ds = tmp.resolve("ds");
        link(ds.resolve("pancake/flipping_pancake.mkv"), "flipping_pancake.mkv");
        link(ds.resolve("other/b.mp4"), "h264_340x256_300f.mp4");
        link(ds.resolve("other/a.avi"), "xvid_320x240_164f.avi");
        write(ds.resolve("other/clip_frames/img_00001.jpg"), "not decoded here");
        write(ds.resolve("other/notes.txt"), "skipped");
        Files.createDirectories(ds.resolve("other/empty_dir"));
        link(ds.resolve(".hidden/x.mp4"), "h264_340x256_300f.mp4");
        write(ds.resolve("README.md"), "skipped");

        assertEquals(DatasetFormat.FOLDER, DatasetReaders.detect(ds));
        List<VideoSample> s = DatasetReaders.read(ds);
        assertEquals(List.of("a.avi", "b.mp4", "clip_frames", "flipping_pancake.mkv"), names(s));
        assertEquals(List.of("other", "other", "other", "pancake"), labels(s));
        assertTrue(s.stream().allMatch(v -> v.split().isEmpty() && v.segment() == null && v.attributes().isEmpty()));
        assertTrue(Files.isRegularFile(s.get(3).path()), "the sample points at the real video");
        assertEquals(Files.size(VIDEOS.resolve("flipping_pancake.mkv")), Files.size(s.get(3).path()));
        assertEquals(List.of("other", "pancake"), DatasetReaders.classes(ds));
    }

    @Test
    void folderPerClassWithSplitFolders() throws IOException {
        Path ds = tmp.resolve("ds");
        link(ds.resolve("train/jump/1.mp4"), "h264_340x256_300f.mp4");
        link(ds.resolve("train/run/2.mp4"), "h264_340x256_300f.mp4");
        link(ds.resolve("val/jump/3.avi"), "xvid_320x240_164f.avi");
        link(ds.resolve("test/run/4.mov"), "rotated_90.mov");
        List<VideoSample> s = DatasetReaders.read(ds);
        assertEquals(List.of("4.mov", "1.mp4", "2.mp4", "3.avi"), names(s));
        assertEquals(List.of("test", "train", "train", "val"), s.stream().map(VideoSample::split).toList());
        assertEquals(List.of("run", "jump", "run", "jump"), labels(s));

        Files.createDirectories(ds.resolve("misc"));
        String m = error(AnnotationException.class, () -> DatasetReaders.read(ds));
        assertTrue(m.startsWith(ds.resolve("misc") + ": the dataset folder has split folders"), m);
    }

    @Test
    void folderErrors() throws IOException {
        Path ds = tmp.resolve("ds");
        link(ds.resolve("loose.mp4"), "h264_340x256_300f.mp4");
        link(ds.resolve("cls/ok.mp4"), "h264_340x256_300f.mp4");
        String m = error(AnnotationException.class, () -> DatasetReaders.read(ds));
        assertTrue(m.startsWith(ds.resolve("loose.mp4") + ": video is not inside a class folder"), m);

        Path empty = Files.createDirectories(tmp.resolve("empty/cls"));
        m = error(AnnotationException.class, () -> DatasetReaders.read(empty.getParent()));
        assertTrue(m.contains("no video file or frame folder found"), m);
        m = error(NoSuchFileException.class, () -> DatasetReaders.read(tmp.resolve("nope")));
        assertTrue(m.contains("nope"), m);
    }

    // ---------------------------------------------------------------- CSV

    @Test
    void csvAsTheBenchmarkWritesIt() throws IOException {
        link(tmp.resolve("videos/v0.mp4"), "h264_340x256_300f.mp4");
        Path csv = write(tmp.resolve("annotations.csv"), """
                path,label,split,background,shape,seed
                videos/v0.mp4,push,train,stripes,circle,17
                videos/v1.mp4,pull,bg-shift,"dots, large",square,18
                """);
        assertEquals(DatasetFormat.CSV, DatasetReaders.detect(csv));
        List<VideoSample> s = DatasetReaders.read(csv);
        assertEquals(2, s.size());
        VideoSample a = s.get(0);
        assertEquals(tmp.resolve("videos/v0.mp4").toAbsolutePath().normalize(), a.path());
        assertTrue(Files.isRegularFile(a.path()));
        assertEquals("push", a.label());
        assertEquals("train", a.split());
        assertNull(a.segment());
        assertEquals(List.of("background", "shape", "seed"), List.copyOf(a.attributes().keySet()));
        assertEquals(List.of("stripes", "circle", "17"), List.copyOf(a.attributes().values()));
        assertEquals(Map.of("background", "dots, large", "shape", "square", "seed", "18"), s.get(1).attributes());
        assertEquals("bg-shift", s.get(1).split());
        assertEquals(List.of("pull", "push"), DatasetReaders.classes(csv, s));
    }

    @Test
    void csvWithSegmentsAndAnyColumnOrder() throws IOException {
        Path csv = write(tmp.resolve("sub/a.csv"), "\uFEFFLabel,End,Path,Start,Split,note\n"
                + "dance,4.5,clips/x.mp4,1.25,validation,n1\n"
                + "\n"
                + "sing,,clips/y.mp4,,,n2\n");
        List<VideoSample> s = DatasetReaders.read(csv);
        assertEquals(new VideoSample.Segment(1.25, 4.5), s.get(0).segment());
        assertEquals("val", s.get(0).split());
        assertNull(s.get(1).segment());
        assertEquals("", s.get(1).split());
        assertEquals(Map.of("note", "n2"), s.get(1).attributes());
        assertEquals(tmp.resolve("sub/clips/y.mp4").toAbsolutePath().normalize(), s.get(1).path());
    }

    @Test
    void csvErrorsNameFileAndLine() throws IOException {
        Path csv = tmp.resolve("bad.csv");
        write(csv, "path,split\nx.mp4,train\n");
        assertEquals(csv + ":1: missing column 'label' (header: path,split); the first row must name the columns"
                + " path,label[,split][,start,end][,more...]", error(AnnotationException.class, () -> DatasetReaders.read(csv)));

        write(csv, "path,label,start,end\na.mp4,x,0,1\n\"multi\nline.mp4\",y,0,2\nc.mp4,z,0,soon\n");
        assertEquals(csv + ":5: bad number 'soon' in column 'end'; give seconds as a decimal number (or leave start"
                + " and end both empty)", error(AnnotationException.class, () -> DatasetReaders.read(csv)));

        write(csv, "path,label\r\n\r\na.mp4,x\r\n\r\n\r\n../b.mp4,y\r\n");
        assertTrue(error(AnnotationException.class, () -> DatasetReaders.read(csv)).startsWith(csv + ":6: path '../b.mp4'"));
        write(csv, "path,label\na.mp4,\"x\nb.mp4,y\n");
        assertTrue(error(AnnotationException.class, () -> DatasetReaders.read(csv)).startsWith(csv + ":"));

        write(csv, "path,label,start,end\na.mp4,x,3,1\n");
        assertTrue(error(AnnotationException.class, () -> DatasetReaders.read(csv)).startsWith(csv + ":2: segment [3, 1]"));

        write(csv, "path,label\na.mp4,x\nb.mp4\n");
        assertTrue(error(AnnotationException.class, () -> DatasetReaders.read(csv))
                .startsWith(csv + ":3: has 1 fields but the header has 2"));

        write(csv, "path,label\na.mp4,x\n../outside.mp4,y\n");
        String m = error(AnnotationException.class, () -> DatasetReaders.read(csv));
        assertTrue(m.startsWith(csv + ":3: path '../outside.mp4' leaves the dataset root " + tmp.toAbsolutePath()), m);

        write(csv, "path,label\n/etc/passwd,y\n");
        assertTrue(error(AnnotationException.class, () -> DatasetReaders.read(csv)).startsWith(csv + ":2: path '/etc/passwd' leaves"));

        // an absolute path inside the root is fine, and a wider root admits ../
        write(csv, "path,label\n" + tmp.toAbsolutePath().resolve("in.mp4") + ",y\n");
        assertEquals(tmp.toAbsolutePath().resolve("in.mp4"), DatasetReaders.read(csv).get(0).path());
        Path nested = write(tmp.resolve("ann/list.csv"), "path,label\n../videos/a.mp4,y\n");
        assertEquals(tmp.toAbsolutePath().resolve("videos/a.mp4"),
                DatasetReaders.read(nested, DatasetReaders.Options.defaults().withRoot(tmp)).get(0).path());

        write(csv, "path,label\na.mp4,\n");
        assertTrue(error(AnnotationException.class, () -> DatasetReaders.read(csv)).startsWith(csv + ":2: empty label"));
    }

    // ---------------------------------------------------------------- space-separated lists

    @Test
    void listsInKineticsUcfAndMmactionStyles() throws IOException {
        link(tmp.resolve("ApplyLipstick/v_ApplyLipstick_g01_c01.avi"), "xvid_320x240_164f.avi");
        Path train = write(tmp.resolve("trainlist01.txt"), """
                # comment
                ApplyLipstick/v_ApplyLipstick_g01_c01.avi 3

                Archery/v_Archery_g01_c01.avi   5
                """);
        List<VideoSample> s = DatasetReaders.read(train);
        assertEquals(DatasetFormat.LIST, DatasetReaders.detect(train));
        assertEquals(List.of("3", "5"), labels(s));
        assertEquals(List.of("train", "train"), s.stream().map(VideoSample::split).toList());
        assertTrue(Files.isRegularFile(s.get(0).path()));

        Path test = write(tmp.resolve("testlist01.txt"), "ApplyLipstick/v_ApplyLipstick_g01_c01.avi\n");
        VideoSample t = DatasetReaders.read(test).get(0);
        assertEquals("ApplyLipstick", t.label());
        assertEquals("test", t.split());

        Path raw = write(tmp.resolve("kinetics_val_rawframes.lst"), "frames/abseiling_001 300 0\nframes/x 64 12\n");
        List<VideoSample> r = DatasetReaders.read(raw);
        assertEquals(List.of("0", "12"), labels(r));
        assertEquals(Map.of("frames", "300"), r.get(0).attributes());
        assertEquals("val", r.get(0).split());

        Path plain = write(tmp.resolve("videos.txt"), "a.mp4 dancing\n");
        assertEquals("", DatasetReaders.read(plain).get(0).split());
        assertEquals("val", DatasetReaders.read(plain, DatasetReaders.Options.defaults().withSplit("val")).get(0).split());
    }

    @Test
    void listErrorsNameFileAndLine() throws IOException {
        Path list = tmp.resolve("list.txt");
        write(list, "a.mp4 x\nb.mp4 y extra words\n");
        assertEquals(list + ":2: expected 'path label' (or 'path frames label'), got 4 fields: 'b.mp4 y extra words';"
                + " paths with spaces need the CSV format", error(AnnotationException.class, () -> DatasetReaders.read(list)));
        write(list, "a.mp4 x\nnolabel.mp4\n");
        assertTrue(error(AnnotationException.class, () -> DatasetReaders.read(list)).startsWith(list + ":2: missing label"));
        write(list, "a.mp4 x\n\n../../etc/passwd 1\n");
        assertTrue(error(AnnotationException.class, () -> DatasetReaders.read(list)).startsWith(list + ":3: path '../../etc/passwd' leaves"));
        write(list, "# only a comment\n");
        assertTrue(error(AnnotationException.class, () -> DatasetReaders.read(list)).contains("lists no video"));
    }

    @Test
    void splitFromListFileNames() {
        assertEquals("train", ListAnnotationReader.splitFromName(Path.of("kinetics400_train_list_videos.txt")));
        assertEquals("val", ListAnnotationReader.splitFromName(Path.of("val.txt")));
        assertEquals("test", ListAnnotationReader.splitFromName(Path.of("testlist03.txt")));
        assertEquals("", ListAnnotationReader.splitFromName(Path.of("contest.txt")));
        assertEquals("", ListAnnotationReader.splitFromName(Path.of("train_test.txt")));
    }

    // ---------------------------------------------------------------- MSR-VTT

    static final String MSRVTT = """
            {"info": {"contributor": "Microsoft MSM group", "year": "2016"},
             "videos": [
              {"category": 9, "url": "https://www.youtube.com/watch?v=9lZi22qLlEo", "video_id": "video0",
               "start time": 137.72, "end time": 149.44, "split": "train", "id": 0},
              {"category": 16, "url": "u", "video_id": "video1", "start time": 184.33, "end time": 206.89,
               "split": "validate", "id": 1},
              {"category": 0, "video_id": "video2", "split": "test", "id": 2}
             ],
             "sentences": [{"caption": "a man is talking", "video_id": "video0", "sen_id": 0}]
            }
            """;

    @Test
    void msrVttVideodatainfo() throws IOException {
        link(tmp.resolve("video0.mp4"), "h264_340x256_300f.mp4");
        Path json = write(tmp.resolve("videodatainfo.json"), MSRVTT);
        assertEquals(DatasetFormat.MSRVTT, DatasetReaders.detect(json));
        List<VideoSample> s = DatasetReaders.read(json);
        assertEquals(List.of("9", "16", "0"), labels(s));
        assertEquals(List.of("train", "val", "test"), s.stream().map(VideoSample::split).toList());
        assertEquals(List.of("video0.mp4", "video1.mp4", "video2.mp4"), names(s));
        assertTrue(Files.isRegularFile(s.get(0).path()));
        assertEquals(Map.of("id", "1"), s.get(1).attributes());
        assertNull(s.get(0).segment());
        assertEquals(List.of("0", "9", "16"), DatasetReaders.classes(json, s));

        Path videos = Files.createDirectories(tmp.resolve("TrainValVideo"));
        List<VideoSample> v = DatasetReaders.read(json, DatasetReaders.Options.defaults().withVideosDir(videos));
        assertEquals(videos.toAbsolutePath().resolve("video2.mp4"), v.get(2).path());
    }

    @Test
    void msrVttErrorsNameTheEntryLine() throws IOException {
        Path json = tmp.resolve("videodatainfo.json");
        write(json, MSRVTT.replace("\"category\": 16", "\"category\": 25"));
        assertEquals(json + ":5: video 'video1': category 25 is outside 0-19",
                error(AnnotationException.class, () -> DatasetReaders.read(json)));
        write(json, MSRVTT.replace("\"category\": 0, \"video_id\": \"video2\"", "\"category\": \"zero\", \"video_id\": \"video2\""));
        assertTrue(error(AnnotationException.class, () -> DatasetReaders.read(json))
                .startsWith(json + ":7: video 'video2': 'category' must be an integer 0-19"));
        write(json, MSRVTT.replace("\"video_id\": \"video2\"", "\"video\": \"video2\""));
        assertEquals(json + ":7: video entry has no 'video_id' text", error(AnnotationException.class, () -> DatasetReaders.read(json)));
        write(json, MSRVTT.replace("\"video_id\": \"video2\"", "\"video_id\": \"../../video2\""));
        assertTrue(error(AnnotationException.class, () -> DatasetReaders.read(json)).startsWith(json + ":7: path '../../video2.mp4' leaves"));
        write(json, MSRVTT.replace("\"id\": 1},", "\"id\": 1},,"));
        assertTrue(error(AnnotationException.class, () -> DatasetReaders.read(json)).startsWith(json + ":6: malformed JSON"));
        write(json, "{\"info\": {}, \"annotations\": []}");
        assertTrue(error(AnnotationException.class, () -> DatasetReaders.read(json)).contains("unknown JSON annotation format"));
    }

    // ---------------------------------------------------------------- ActivityNet

    static final String ACTIVITYNET = """
            {"version": "VERSION 1.3", "taxonomy": [{"nodeName": "Root", "nodeId": 0}],
             "database": {
              "--0edUL8zmA": {"annotations": [{"label": "Dodgeball", "segment": [92.93, 241.83]}],
                              "duration": 242.58, "resolution": "640x360", "subset": "training", "url": "u"},
              "--1DO2V4K74": {"annotations": [{"label": "Rock climbing", "segment": [0.5, 10.1]},
                                              {"label": "Rock climbing", "segment": [11.0, 12.0]}],
                              "duration": 12.5, "subset": "validation"},
              "--cZD5M0ZAE": {"annotations": [], "duration": 100.0, "subset": "testing"},
              "-0RFXEr1WrI": {"annotations": [{"label": "Ballet", "segment": [1, 2]},
                                              {"label": "Tango", "segment": [3, 4]}],
                              "duration": 60, "subset": "training"}
             }
            }
            """;

    @Test
    void activityNetClipsToThirtySecondsAndDropsUnlabelled() throws IOException {
        link(tmp.resolve("v_--0edUL8zmA.mp4"), "h264_340x256_300f.mp4");
        link(tmp.resolve("--1DO2V4K74.mp4"), "flipping_pancake.mkv");
        Path json = write(tmp.resolve("activity_net.v1-3.min.json"), ACTIVITYNET);
        assertEquals(DatasetFormat.ACTIVITYNET, DatasetReaders.detect(json));
        List<VideoSample> s = DatasetReaders.read(json);
        assertEquals(List.of("Dodgeball", "Rock climbing", "Ballet"), labels(s));
        assertEquals(List.of("train", "val", "train"), s.stream().map(VideoSample::split).toList());
        assertEquals(new VideoSample.Segment(0, 30), s.get(0).segment());
        assertEquals(new VideoSample.Segment(0, 12.5), s.get(1).segment());
        assertEquals(new VideoSample.Segment(0, 30), s.get(2).segment());
        // whichever name exists: v_<id>.mp4, then <id>.mp4; v_<id>.mp4 when neither does
        assertEquals(List.of("v_--0edUL8zmA.mp4", "--1DO2V4K74.mp4", "v_-0RFXEr1WrI.mp4"), names(s));
        assertTrue(Files.isRegularFile(s.get(0).path()) && Files.isRegularFile(s.get(1).path()));
        assertEquals(Map.of("duration", "60", "labels", "Ballet|Tango"), s.get(2).attributes());
        assertEquals(Map.of("duration", "242.58"), s.get(0).attributes());

        DatasetReaders.Options o = DatasetReaders.Options.defaults().withActivityNetNames(List.of("{id}.mkv"))
                .withClipSeconds(Double.POSITIVE_INFINITY).withVideosDir(tmp.resolve("anet"));
        List<VideoSample> w = DatasetReaders.read(json, o);
        assertEquals(tmp.toAbsolutePath().resolve("anet/--0edUL8zmA.mkv"), w.get(0).path());
        assertEquals(new VideoSample.Segment(0, 242.58), w.get(0).segment());
    }

    @Test
    void activityNetErrors() throws IOException {
        Path json = tmp.resolve("anet.json");
        write(json, ACTIVITYNET.replace("\"duration\": 12.5", "\"duration\": -1"));
        assertEquals(json + ":5: video '--1DO2V4K74': bad 'duration' -1; give the length in seconds (> 0)",
                error(AnnotationException.class, () -> DatasetReaders.read(json)));
        write(json, ACTIVITYNET.replace("{\"label\": \"Ballet\", ", "{"));
        assertEquals(json + ":9: video '-0RFXEr1WrI': an annotation has no 'label' text",
                error(AnnotationException.class, () -> DatasetReaders.read(json)));
        write(json, ACTIVITYNET.replace("[92.93, 241.83]", "\"all\""));
        assertTrue(error(AnnotationException.class, () -> DatasetReaders.read(json))
                .startsWith(json + ":3: video '--0edUL8zmA': 'segment' must be [start, end]"));
        write(json, ACTIVITYNET.replace("\"--0edUL8zmA\"", "\"../../x\""));
        // v_../../x.mp4 stays inside (v_.. is a folder name); ../../x.mp4 leaves
        assertTrue(error(AnnotationException.class, () -> DatasetReaders.read(json)).startsWith(json + ":3: path '../../x.mp4' leaves"));
    }

    // ---------------------------------------------------------------- detection and classes

    @Test
    void unknownFormatsAreRefused() throws IOException {
        Path f = write(tmp.resolve("data.xml"), "<x/>");
        String m = error(AnnotationException.class, () -> DatasetReaders.read(f));
        assertTrue(m.startsWith(f + ": unknown annotation format"), m);
        Path arr = write(tmp.resolve("data.json"), "[1, 2]");
        assertEquals(arr + ":1: expected a JSON object at the top level", error(AnnotationException.class, () -> DatasetReaders.read(arr)));
    }

    @Test
    void classesFromClassesTxtInItsOrderOrSorted() throws IOException {
        Path list = write(tmp.resolve("train.txt"), "a.mp4 10\nb.mp4 2\nc.mp4 0\nd.mp4 2\n");
        List<VideoSample> s = DatasetReaders.read(list);
        assertEquals(List.of("0", "2", "10"), DatasetReaders.classes(list, s));

        write(tmp.resolve("classes.txt"), "\uFEFFzebra\n\nant\nmoose\n" + "a\nb\nc\nd\ne\nf\ng\nh\n");
        List<String> names = DatasetReaders.classes(list, s);
        assertEquals(List.of("zebra", "ant", "moose"), names.subList(0, 3));
        assertEquals(11, names.size());
        assertEquals(10, DatasetReaders.classIndex("10", names)); // an index into the named classes
        assertEquals(1, DatasetReaders.classIndex("ant", names));
        assertEquals(-1, DatasetReaders.classIndex("11", names));

        Path csv = write(tmp.resolve("ann.csv"), "path,label\nx.mp4,ant\ny.mp4,wolf\n");
        String m = error(AnnotationException.class, () -> DatasetReaders.classes(csv));
        assertTrue(m.startsWith(tmp.resolve("classes.txt") + ": label 'wolf' of "), m);

        write(tmp.resolve("classes.txt"), "ant\nwolf\nant\n");
        assertEquals(tmp.resolve("classes.txt") + ":3: class 'ant' is listed twice; list each class once",
                error(AnnotationException.class, () -> DatasetReaders.classes(csv)));

        Path ds = tmp.resolve("folder");
        link(ds.resolve("b/1.mp4"), "h264_340x256_300f.mp4");
        link(ds.resolve("a/2.mp4"), "h264_340x256_300f.mp4");
        write(ds.resolve("classes.txt"), "b\na\n");
        assertEquals(List.of("b", "a"), DatasetReaders.classes(ds));
    }
}
