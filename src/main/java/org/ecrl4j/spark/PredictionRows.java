package org.ecrl4j.spark;

import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Parquet schema of a predictions folder ({@code eval --spark}, {@code predict --spark}): one
 * row per video.
 *
 * <pre>
 * part               int            the partition that wrote the row (position mod P)
 * position           int            the video's place in the job's list (the key; rows are unordered)
 * path               string         the video, absolute
 * label              string         the class name of the annotations (null for predict)
 * label_index        int            its index in the run's classes (-1: unknown)
 * split              string         the split (normalised; "" for predict)
 * status             string         ok | skipped
 * reason             string         why a video was skipped (null when ok)
 * prediction         int            the predicted class (the first of the largest logits; -1 when skipped)
 * truth_rank         int            how many classes rank before the label (0: a top-1 hit; -1: unknown)
 * top_classes        array&lt;string&gt;  the K most probable classes, most probable first (null when skipped)
 * top_indices        array&lt;int&gt;     their indices
 * top_probabilities  array&lt;double&gt;  their softmax probabilities
 * logits             array&lt;float&gt;   the head's L logits
 * static_prediction  int            eval, bg-shift videos: the class of the video's static version
 *                                   (its first frame repeated; -1: none or unreadable)
 * </pre>
 */
final class PredictionRows {
    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message ecrl4j_predictions {\n"
            + Rows.PARQUET_KEYS + """
              required int32 prediction;
              required int32 truth_rank;
              optional group top_classes (LIST) { repeated group list { required binary element (STRING); } }
              optional group top_indices (LIST) { repeated group list { required int32 element; } }
              optional group top_probabilities (LIST) { repeated group list { required double element; } }
              optional group logits (LIST) { repeated group list { required float element; } }
              required int32 static_prediction;
            }""");

    static final StructType SPARK_SCHEMA = Rows.KEYS
            .add("prediction", DataTypes.IntegerType, false)
            .add("truth_rank", DataTypes.IntegerType, false)
            .add("top_classes", DataTypes.createArrayType(DataTypes.StringType, false), true)
            .add("top_indices", DataTypes.createArrayType(DataTypes.IntegerType, false), true)
            .add("top_probabilities", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
            .add("logits", DataTypes.createArrayType(DataTypes.FloatType, false), true)
            .add("static_prediction", DataTypes.IntegerType, false);

    /** One row; the arrays are null when the video was skipped. */
    record Row(int part, int position, String path, String label, int labelIndex, String split, String status,
            String reason, int prediction, int truthRank, List<String> topClasses, int[] topIndices,
            double[] topProbabilities, float[] logits, int staticPrediction) {}

    private PredictionRows() {}

    static void fill(Group g, Row r) {
        Rows.fillKeys(g, r.part(), r.position(), r.path(), r.label(), r.labelIndex(), r.split(), r.status(), r.reason());
        g.add("prediction", r.prediction());
        g.add("truth_rank", r.truthRank());
        if (r.logits() != null) {
            PartitionFiles.addStrings(g, "top_classes", r.topClasses());
            PartitionFiles.addInts(g, "top_indices", r.topIndices());
            PartitionFiles.addDoubles(g, "top_probabilities", r.topProbabilities());
            PartitionFiles.addFloats(g, "logits", r.logits());
        }
        g.add("static_prediction", r.staticPrediction());
    }
}
