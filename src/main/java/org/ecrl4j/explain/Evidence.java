package org.ecrl4j.explain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.ecrl4j.train.RunFolder;

/**
 * What the explain step ({@link RunEvidence}) wrote into {@code RUN/evidence/}: {@code evidence.json}
 * (this record) beside the PNG panels it names. The report renders it and computes nothing: every
 * number, coordinate and image here was computed from the run's models by evaluation.
 *
 * @param format {@link #FORMAT}
 * @param features absolute path of the test features the outputs were computed on, or null when
 *     the report was asked for without them (then every field below is empty)
 * @param featuresName the feature file's name (captions)
 * @param compare absolute path of the compared (base) run folder, or null
 * @param compareName the compared run's configuration name, or null
 * @param compareFeatures absolute path of the compared run's own test features, or null when it read
 *     {@code features} too
 * @param logits the test logits of both runs
 * @param confusion the run's confusion matrix on the test features
 * @param tsne Fig. 5: t-SNE coordinates of the test features before and after the intervention
 * @param cases Fig. 6 and 7: the chosen test videos, in page order
 * @param camNote shown once above the frame panels, or null
 * @param unavailableReason why frames are missing when no chosen video has a panel
 */
public record Evidence(int format, String features, String featuresName, String compare, String compareName,
        String compareFeatures, Logits logits, Confusion confusion, TsneFigure tsne, List<Chosen> cases,
        String camNote, String unavailableReason) {
    /** Folder of the evidence inside the run folder. */
    public static final String FOLDER = "evidence";
    /** The evidence's description. */
    public static final String FILE = "evidence.json";
    /** Version of {@code evidence.json}. */
    public static final int FORMAT = 1;

    public Evidence {
        cases = cases == null ? List.of() : List.copyOf(cases);
    }

    /** Evidence without test features: the report shows configuration, metrics and curves only. */
    public static Evidence none() {
        return new Evidence(FORMAT, null, null, null, null, null, null, null, null, List.of(), null, null);
    }

    /** Whether test outputs were computed (the report's figures need them). */
    public boolean hasOutputs() {
        return features != null;
    }

    /**
     * Flattened (N, L) test logits of the run and of the compared run (null without one).
     *
     * @param classes L
     */
    public record Logits(int classes, float[] run, float[] compare) {}

    /** The confusion matrix of the run on the test features, its Acc@1 and its number of videos. */
    public record Confusion(int[][] matrix, double acc1, int count) {}

    /**
     * The t-SNE panels of Fig. 5.
     *
     * @param total test videos
     * @param labels the class of each embedded video (a seeded subset of the test videos)
     */
    public record TsneFigure(int total, double perplexity, int iterations, long seed, int[] labels,
            List<TsnePanel> panels) {}

    /** One t-SNE panel: its SVG file name, title, caption and one (x, y) per embedded video. */
    public record TsnePanel(String file, String title, String caption, double[][] points) {}

    /**
     * One chosen test video.
     *
     * @param label its case ("both right", ...)
     * @param index its row in the test features
     * @param truth its true class
     * @param models Fig. 7: the models' names (base first)
     * @param top Fig. 7: each model's top-3 classes
     * @param probs Fig. 7: their probabilities
     * @param ccmNames names of the CCM frame weights (w_s, w_c), empty when the head has no CCM
     * @param ccm the CCM frame weights over the T frames, one row per name
     * @param glca GLCA's local attention over the T frames, or null
     * @param panel the frames, Grad-CAM and split images, or null
     * @param panelError why this video's frames are missing although it has a video, or null
     */
    public record Chosen(String label, int index, int truth, List<String> models, int[][] top, double[][] probs,
            List<String> ccmNames, double[][] ccm, double[] glca, Panel panel, String panelError) {}

    /**
     * The PNG strips of one chosen video in the evidence folder.
     *
     * @param video the video's name or path
     * @param frames the sampled frames
     * @param baseCam Grad-CAM of the base model, or null
     * @param ecrlCam Grad-CAM of the ECRL model, or null
     * @param split saliency, foreground and background strips (in that order), empty without a split
     */
    public record Panel(String video, String frames, String baseCam, String ecrlCam, List<String> split) {}

    /**
     * The evidence of a run folder, or empty when the explain step has not written any.
     *
     * @throws IOException naming the file when it exists but cannot be read
     */
    public static Optional<Evidence> read(Path run) throws IOException {
        Path file = run.resolve(FOLDER).resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Evidence e = RunFolder.json().readValue(file.toFile(), Evidence.class);
            if (e.format() != FORMAT) {
                throw new IOException(file + " has format " + e.format() + ", this version reads " + FORMAT
                        + "; write it again (ecrl4j report)");
            }
            return Optional.of(e);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + " cannot be read: " + e.getOriginalMessage(), e);
        }
    }
}
