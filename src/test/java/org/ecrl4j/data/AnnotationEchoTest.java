package org.ecrl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A huge annotation line is not printed back in full (issue 10, case 7): quoted input is cut at 200 characters. */
class AnnotationEchoTest {
    static final int HUGE = 10 * 1024 * 1024;
    static final String BIG = "x".repeat(HUGE);

    @TempDir
    Path tmp;

    static String error(Path file) {
        String m = assertThrows(AnnotationException.class, () -> DatasetReaders.read(file)).getMessage();
        String head = m.substring(0, Math.min(m.length(), 400));
        assertTrue(m.length() < 1200, "message of " + m.length() + " characters: " + head);
        assertTrue(!m.contains("\n"), head);
        return m;
    }

    @Test
    void quoteCutsAfter200Characters() {
        assertEquals("'abc'", AnnotationException.quote("abc"));
        String q = AnnotationException.quote("y".repeat(250));
        assertEquals("'" + "y".repeat(200) + "\u2026 (50 more characters)'", q);
        assertEquals("'a\\nb'", AnnotationException.quote("a\nb"));
    }

    @Test
    void aHugeListLineIsCut() throws IOException {
        Path list = DatasetReadersTest.write(tmp.resolve("train.txt"), "a.mp4 x\nb.mp4 y z " + BIG + "\n");
        String m = error(list);
        assertTrue(m.startsWith(list + ":2: expected 'path label' (or 'path frames label'), got 4 fields: 'b.mp4 y z xxx"), m);
        assertTrue(m.contains("\u2026 (" + (HUGE + 10 - 200) + " more characters)'"), m);
        DatasetReadersTest.write(list, BIG + "\n");
        assertTrue(error(list).contains("more characters)"));
        DatasetReadersTest.write(list, "../" + BIG + " 1\n");
        assertTrue(error(list).startsWith(list + ":1: path '../xxx"));
    }

    @Test
    void aHugeCsvFieldOrHeaderIsCut() throws IOException {
        Path csv = DatasetReadersTest.write(tmp.resolve("a.csv"), "path,label,start,end\na.mp4,x,0," + BIG + "\n");
        assertTrue(error(csv).startsWith(csv + ":2: bad number 'xxx"));
        DatasetReadersTest.write(csv, "path,label,start,end\na.mp4,x,0,-" + BIG.replace('x', '1') + "\n");
        assertTrue(error(csv).contains("more characters)"));
        DatasetReadersTest.write(csv, "path," + BIG + "\na.mp4,x\n");
        assertTrue(error(csv).startsWith(csv + ":1: missing column 'label' (header: path,xxx"));
        DatasetReadersTest.write(csv, "path,label\na.mp4,x,y" + BIG + "\n");
        assertTrue(error(csv).startsWith(csv + ":2: has 3 fields but the header has 2"));
    }

    @Test
    void aHugeJsonValueIsCut() throws IOException {
        Path json = DatasetReadersTest.write(tmp.resolve("videodatainfo.json"),
                "{\"videos\": [\n{\"video_id\": \"" + BIG + "\", \"category\": \"" + BIG + "\"}\n]}\n");
        assertTrue(error(json).startsWith(json + ":2: video 'xxx"));
        json = DatasetReadersTest.write(tmp.resolve("activity_net.json"),
                "{\"database\": {\n\"v1\": {\"annotations\": [{\"label\": \"a\", \"segment\": \"" + BIG + "\"}]}\n}}\n");
        assertTrue(error(json).startsWith(json + ":2: video 'v1': 'segment' must be [start, end] in seconds, got \"xxx"));
        // An id longer than the JSON parser allows for a name: its error is cut too.
        json = DatasetReadersTest.write(tmp.resolve("activity_net.json"),
                "{\"database\": {\n\"" + BIG + "\": {\"annotations\": []}\n}}\n");
        String m = error(json);
        assertTrue(m.startsWith(json + ":"), m);
    }
}
