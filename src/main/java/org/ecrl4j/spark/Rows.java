package org.ecrl4j.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Parquet schema of an extraction folder: one row per video.
 *
 * <pre>
 * part         int     the partition that wrote the row (position mod P)
 * position     int     the video's place in the annotations (the key; rows are unordered)
 * path         string  the video, absolute
 * label        string  the class name of the annotations
 * label_index  int     its index in classes.txt (-1: not a class)
 * split        string  the split of the annotations ("" when none)
 * status       string  ok | skipped
 * reason       string  why a video was skipped (null when ok)
 * frames       int     T (0 when skipped)
 * width        int     d (0 when skipped)
 * video        array&lt;float&gt;  V, (T, d) row-major (null when skipped)
 * foreground   array&lt;float&gt;  S
 * background   array&lt;float&gt;  C
 * </pre>
 */
final class Rows {
    static final String OK = "ok";
    static final String SKIPPED = "skipped";
    static final String VIDEO = "video";
    static final String FOREGROUND = "foreground";
    static final String BACKGROUND = "background";

    /** The columns every row of a job's folder starts with (features and predictions). */
    static final StructType KEYS = new StructType()
            .add("part", DataTypes.IntegerType, false)
            .add("position", DataTypes.IntegerType, false)
            .add("path", DataTypes.StringType, false)
            .add("label", DataTypes.StringType, true)
            .add("label_index", DataTypes.IntegerType, false)
            .add("split", DataTypes.StringType, true)
            .add("status", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, true);

    /** {@link #KEYS} in Parquet's terms (the start of a message type). */
    static final String PARQUET_KEYS = """
              required int32 part;
              required int32 position;
              required binary path (STRING);
              optional binary label (STRING);
              required int32 label_index;
              optional binary split (STRING);
              required binary status (STRING);
              optional binary reason (STRING);
            """;

    static final StructType SCHEMA = KEYS
            .add("frames", DataTypes.IntegerType, false)
            .add("width", DataTypes.IntegerType, false)
            .add(VIDEO, DataTypes.createArrayType(DataTypes.FloatType, false), true)
            .add(FOREGROUND, DataTypes.createArrayType(DataTypes.FloatType, false), true)
            .add(BACKGROUND, DataTypes.createArrayType(DataTypes.FloatType, false), true);

    private Rows() {}

    /** Fills the {@link #KEYS} columns of a Parquet record. */
    static void fillKeys(org.apache.parquet.example.data.Group g, int part, int position, String path, String label,
            int labelIndex, String split, String status, String reason) {
        g.add("part", part);
        g.add("position", position);
        g.add("path", path);
        if (label != null) {
            g.add("label", label);
        }
        g.add("label_index", labelIndex);
        if (split != null) {
            g.add("split", split);
        }
        g.add("status", status);
        if (reason != null) {
            g.add("reason", reason);
        }
    }
}
