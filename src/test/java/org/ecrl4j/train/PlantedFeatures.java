package org.ecrl4j.train;

import java.util.Random;
import org.ecrl4j.data.FeatureSet;

/** Feature sets with a planted class signal: every frame of every stream is m_label + noise. */
final class PlantedFeatures {
    private PlantedFeatures() {}

    static float[][] classMeans(int classes, int width, float scale, long seed) {
        Random r = new Random(seed);
        float[][] means = new float[classes][width];
        for (float[] m : means) {
            for (int j = 0; j < width; j++) {
                m[j] = (float) (r.nextGaussian() * scale);
            }
        }
        return means;
    }

    static FeatureSet make(float[][] means, int perClass, int frames, boolean shuffleLabels, long seed) {
        Random r = new Random(seed);
        int classes = means.length;
        int width = means[0].length;
        int n = classes * perClass;
        float[][] streams = new float[3][n * frames * width];
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            for (float[] s : streams) {
                for (int t = 0; t < frames; t++) {
                    for (int j = 0; j < width; j++) {
                        s[(i * frames + t) * width + j] = means[(int) labels[i]][j] + (float) r.nextGaussian();
                    }
                }
            }
        }
        if (shuffleLabels) {
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                long tmp = labels[i];
                labels[i] = labels[j];
                labels[j] = tmp;
            }
        }
        return new FeatureSet(streams[0], streams[1], streams[2], labels, frames, width);
    }
}
