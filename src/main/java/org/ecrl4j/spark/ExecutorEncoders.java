package org.ecrl4j.spark;

import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;
import org.ecrl4j.nn.backbone.BackboneSpec;
import org.ecrl4j.nn.backbone.ClipShape;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.nn.backbone.VideoEncoder;

/**
 * The lazy holder of the backbone in an executor JVM: loaded by the first task that needs it and
 * shared by the JVM's tasks after that (forward passes are serialised by {@link
 * org.ecrl4j.pipeline.VideoFeatures#encode}; decoding and saliency run in parallel).
 */
final class ExecutorEncoders {
    /** A backbone and the manager it lives in (for the JVM's lifetime). */
    record Loaded(Encoders encoders, NDManager manager) {}

    private static final Map<String, Loaded> LOADED = new HashMap<>();
    /** How many backbones this JVM has loaded (a check that tasks share them). */
    static int loads;

    private ExecutorEncoders() {}

    static synchronized Loaded get(SparkJobs.Spec spec) {
        String key = spec.backbone() + "|" + spec.seed() + "|" + spec.frames() + "|" + spec.size();
        Loaded l = LOADED.get(key);
        if (l == null) {
            NDManager manager = NDManager.newBaseManager();
            Encoders e = Encoders.create(BackboneSpec.parse(spec.backbone()), EncoderSharing.SHARED, manager,
                    new ClipShape(spec.frames(), spec.size(), spec.size()), false, spec.seed());
            for (VideoEncoder v : e.distinct()) {
                v.setTrainable(false);
            }
            l = new Loaded(e, manager);
            LOADED.put(key, l);
            loads++;
        }
        return l;
    }
}
