package org.ecrl4j.spark;

import java.io.IOException;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * The Parquet file of one partition, written by its task: {@code part-NNNNN.parquet}, written as a
 * hidden temporary file and renamed into place when complete, so a file of that name is a whole
 * partition. The schema is {@link Rows#SCHEMA} (Spark reads the folder as usual; hidden files are
 * ignored).
 */
final class PartitionFiles {
    private static final Pattern NAME = Pattern.compile("part-(\\d{5,})\\.parquet");

    /** {@link Rows#SCHEMA} in Parquet's terms (lists in the standard three-level layout). */
    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message ecrl4j_features {\n"
            + Rows.PARQUET_KEYS + """
              required int32 frames;
              required int32 width;
              optional group video (LIST) { repeated group list { required float element; } }
              optional group foreground (LIST) { repeated group list { required float element; } }
              optional group background (LIST) { repeated group list { required float element; } }
            }""");

    /** One row. */
    record Row(int part, int position, String path, String label, int labelIndex, String split, String status,
            String reason, int frames, int width, float[] video, float[] foreground, float[] background) {}

    private PartitionFiles() {}

    static String name(int part) {
        return String.format("part-%05d.parquet", part);
    }

    /** Writes the feature rows of partition {@code part} into {@code dir}, committing by a rename. */
    static void write(String dir, int part, List<Row> rows) throws IOException {
        write(dir, part, SCHEMA, rows, (g, r) -> {
            Rows.fillKeys(g, r.part(), r.position(), r.path(), r.label(), r.labelIndex(), r.split(), r.status(),
                    r.reason());
            g.add("frames", r.frames());
            g.add("width", r.width());
            addFloats(g, Rows.VIDEO, r.video());
            addFloats(g, Rows.FOREGROUND, r.foreground());
            addFloats(g, Rows.BACKGROUND, r.background());
        });
    }

    /**
     * Writes the rows of partition {@code part} into {@code dir} as {@code schema}, each filled into
     * its record by {@code fill}, committing by a rename.
     */
    static <T> void write(String dir, int part, MessageType schema, List<T> rows, BiConsumer<Group, T> fill)
            throws IOException {
        Configuration conf = new Configuration();
        Path target = new Path(dir, name(part));
        Path tmp = new Path(dir, "." + name(part) + "." + UUID.randomUUID() + ".tmp");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(tmp).withConf(conf).withType(schema)
                .withCompressionCodec(CompressionCodecName.SNAPPY).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build()) {
            for (T r : rows) {
                Group g = groups.newGroup();
                fill.accept(g, r);
                w.write(g);
            }
        }
        FileSystem fs = target.getFileSystem(conf);
        if (!fs.rename(tmp, target)) {
            boolean done = fs.exists(target); // a retried or speculative copy of the task got there first
            fs.delete(tmp, false);
            if (!done) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        }
    }

    static void addFloats(Group g, String field, float[] values) {
        if (values == null) {
            return;
        }
        Group list = g.addGroup(field);
        for (float v : values) {
            list.addGroup("list").add("element", v);
        }
    }

    static void addInts(Group g, String field, int[] values) {
        Group list = g.addGroup(field);
        for (int v : values) {
            list.addGroup("list").add("element", v);
        }
    }

    static void addDoubles(Group g, String field, double[] values) {
        Group list = g.addGroup(field);
        for (double v : values) {
            list.addGroup("list").add("element", v);
        }
    }

    static void addStrings(Group g, String field, List<String> values) {
        Group list = g.addGroup(field);
        for (String v : values) {
            list.addGroup("list").add("element", v);
        }
    }

    /**
     * The partitions whose file is in {@code dir}.
     *
     * @param cleanUp delete the temporary files of killed tasks (only when starting a job)
     */
    static TreeSet<Integer> written(String dir, boolean cleanUp) throws IOException {
        Configuration conf = new Configuration();
        Path d = new Path(dir);
        FileSystem fs = d.getFileSystem(conf);
        TreeSet<Integer> done = new TreeSet<>();
        for (FileStatus f : fs.listStatus(d)) {
            String n = f.getPath().getName();
            Matcher m = NAME.matcher(n);
            if (m.matches()) {
                done.add(Integer.parseInt(m.group(1)));
            } else if (cleanUp && n.startsWith(".part-") && (n.endsWith(".tmp") || n.endsWith(".tmp.crc"))) {
                fs.delete(f.getPath(), false);
            }
        }
        return done;
    }
}
