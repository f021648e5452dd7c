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

    static final StructType SCHEMA = new StructType()
            .add("part", DataTypes.IntegerType, false)
            .add("position", DataTypes.IntegerType, false)
            .add("path", DataTypes.StringType, false)
            .add("label", DataTypes.StringType, true)
            .add("label_index", DataTypes.IntegerType, false)
            .add("split", DataTypes.StringType, true)
            .add("status", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, true)
            .add("frames", DataTypes.IntegerType, false)
            .add("width", DataTypes.IntegerType, false)
            .add(VIDEO, DataTypes.createArrayType(DataTypes.FloatType, false), true)
            .add(FOREGROUND, DataTypes.createArrayType(DataTypes.FloatType, false), true)
            .add(BACKGROUND, DataTypes.createArrayType(DataTypes.FloatType, false), true);

    private Rows() {}
}
