package org.ecrl4j.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.nn.backbone.PooledClassifier;
import org.ecrl4j.nn.backbone.TinyVideoNet;
import org.ecrl4j.nn.backbone.TorchScriptEncoder;
import org.ecrl4j.nn.backbone.VideoEncoder;
import org.ecrl4j.saliency.SplitClip;
import org.ecrl4j.train.HeadModel;

/**
 * {@link VideoEvidence} from split clips: the frames and saliency split of each chosen test video,
 * with the Grad-CAM maps of a base and an ECRL model on the built-in backbone where given. This is
 * the hook video-trained runs plug into: they supply where each test row's clip comes from and their
 * backbones.
 */
public final class ClipEvidence implements VideoEvidence {
    /** The split clip of the test video at a row of the feature file. */
    @FunctionalInterface
    public interface ClipSource {
        /** The clip of row {@code index}, or empty when that video is not available. */
        Optional<NamedClip> clip(int index) throws IOException;
    }

    /** A clip with the video it came from. */
    public record NamedClip(String video, SplitClip split) {}

    /** A model whose backbone Grad-CAM explains. */
    public interface CamModel {
        VideoEncoder backbone();

        /**
         * The head Grad-CAM differentiates for this clip: an ECRL head closes over the clip's F_s
         * and F_c (computed in {@code manager}) and takes F_v from Grad-CAM.
         */
        GradCam.FeatureHead head(SplitClip clip, NDManager manager);
    }

    /** The plain classifier over a built-in backbone (the base model). */
    public static CamModel pooled(PooledClassifier classifier) {
        if (!(classifier.encoder() instanceof TinyVideoNet net)) {
            throw new IllegalArgumentException("Grad-CAM needs the built-in backbone, got "
                    + classifier.encoder().describe());
        }
        return of(net, (clip, manager) -> GradCam.pooled(classifier));
    }

    /** A model from its backbone and the head it gives a clip. */
    private static CamModel of(VideoEncoder net, java.util.function.BiFunction<SplitClip, NDManager,
            GradCam.FeatureHead> head) {
        return new CamModel() {
            @Override
            public VideoEncoder backbone() {
                return net;
            }

            @Override
            public GradCam.FeatureHead head(SplitClip clip, NDManager manager) {
                return head.apply(clip, manager);
            }
        };
    }

    /**
     * A trained head of any configuration (ECRL, {@code base}, ...) over the three streams' encoders:
     * Grad-CAM explains M_v, whose per-frame features F_v it differentiates; the clip's F_s and F_c
     * go through M_s and M_c once, without gradient, and are held fixed. The head runs in inference
     * mode; its logits for a clip equal {@link HeadModel#logits} of the clip's features. The map so
     * shows the evidence the head takes from the whole frames: through fc(mean F_v) and GLCA on F_v
     * (ECRL's front-door path), not through the branches that read the foreground and background
     * crops.
     *
     * @throws IllegalArgumentException when M_v is not the built-in backbone (Grad-CAM reads its last
     *     stage), the encoders' d is not the head's, or the head's logits do not read F_v at all
     *     (e.g. fg-only, which reads the foreground alone: its map would be empty)
     */
    public static CamModel head(Encoders encoders, HeadModel model) {
        VideoEncoder net = encoders.video();
        if (!(net instanceof TinyVideoNet) && !(net instanceof TorchScriptEncoder)) {
            throw new IllegalArgumentException("Grad-CAM needs the built-in or a TorchScript backbone as M_v, but this"
                    + " run uses " + net.describe());
        }
        var config = model.config();
        if (!config.videoLogit() && !(config.frontdoor() && config.glcaStream() == org.ecrl4j.nn.GlcaStream.V)) {
            throw new IllegalArgumentException("the logits of configuration " + config.name() + " do not read F_v"
                    + " (no video logit, no GLCA on V), so a Grad-CAM of M_v would be empty");
        }
        if (encoders.featureWidth() != model.shape().width()) {
            throw new IllegalArgumentException("the encoders give d=" + encoders.featureWidth() + " but the head "
                    + model.config().name() + " was trained on d=" + model.shape().width());
        }
        return of(net, (clip, manager) -> {
            NDArray fs = fixed(encoders.foreground(), clip.foreground(), manager); // (1, T, d)
            NDArray fc = fixed(encoders.background(), clip.background(), manager);
            return (store, fv) -> {
                NDArray logits = model.head().forward(store, new NDList(fv, fs, fc), false).get("logits");
                if (logits == null) {
                    throw new IllegalStateException("head " + model.config().name() + " gave no logits");
                }
                return logits;
            };
        });
    }

    /** The features of one stream as a leaf array (no gradient reaches the encoder). */
    private static NDArray fixed(org.ecrl4j.nn.backbone.VideoEncoder encoder, List<org.ecrl4j.video.RgbFrame> frames,
            NDManager manager) {
        NDArray f = encoder.encode(new ParameterStore(manager, false), toArray(manager, frames, encoder),
                false);
        return manager.create(f.toFloatArray(), f.getShape());
    }

    private final ClipSource source;
    private final CamModel base;
    private final CamModel ecrl;
    private final NDManager manager;
    private final String reason;
    private final String camNote;

    /**
     * @param base model for the base Grad-CAM, or null
     * @param ecrl model for the ECRL Grad-CAM, or null
     * @param manager where the clips' arrays are made (a sub-manager per clip, closed after)
     * @param reason shown when a video is not available
     */
    public ClipEvidence(ClipSource source, CamModel base, CamModel ecrl, NDManager manager, String reason) {
        this(source, base, ecrl, manager, reason, null);
    }

    /**
     * @param camNote shown once in the report, e.g. why a model has no Grad-CAM; null for none
     */
    public ClipEvidence(ClipSource source, CamModel base, CamModel ecrl, NDManager manager, String reason,
            String camNote) {
        this.source = source;
        this.base = base;
        this.ecrl = ecrl;
        this.manager = manager;
        this.reason = reason;
        this.camNote = camNote;
    }

    @Override
    public String camNote() {
        return camNote;
    }

    @Override
    public Optional<VideoPanel> panel(int index) throws IOException {
        Optional<NamedClip> clip = source.clip(index);
        if (clip.isEmpty()) {
            return Optional.empty();
        }
        SplitClip split = clip.get().split();
        return Optional.of(new VideoPanel(clip.get().video(), split.whole(), cam(base, split), cam(ecrl, split), split));
    }

    private float[][][] cam(CamModel model, SplitClip split) {
        if (model == null) {
            return null;
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray x = toArray(m, split.whole(), model.backbone()); // (1, 3, T, H, W)
            return GradCam.compute(model.backbone(), model.head(split, m), x, -1).maps();
        }
    }

    @Override
    public String unavailableReason() {
        return reason;
    }

    /** One clip (T frames), normalised as {@code encoder} expects (its sidecar, else the reference), (1, 3, T, H, W). */
    static NDArray toArray(NDManager manager, List<org.ecrl4j.video.RgbFrame> frames, VideoEncoder encoder) {
        org.ecrl4j.video.Normalisation norm = encoder.contract()
                .map(c -> new org.ecrl4j.video.Normalisation(c.mean(), c.std()))
                .orElse(org.ecrl4j.video.Normalisation.REFERENCE);
        return org.ecrl4j.video.ClipTensor.batchToNDArray(manager,
                List.of(org.ecrl4j.video.ClipTransform.normalise(frames, norm)));
    }
}
