package org.ecrl4j.train;

/**
 * Optimisation settings (MODEL.md sections 5 and 6c), validated on construction.
 *
 * @param epochs number of passes over the training set
 * @param batchSize videos per step
 * @param learningRate Adam's base learning rate
 * @param weightDecay L2 weight decay (Adam's, added to the gradient)
 * @param schedule step decay or cosine
 * @param decayEvery epochs between step decays
 * @param decayFactor multiplier at each step decay
 * @param seed fixes initialisation, data order and dropout
 * @param keepBest keep the parameters of the epoch with the best validation Acc@1 (else the last)
 */
public record TrainOptions(int epochs, int batchSize, float learningRate, float weightDecay, Schedule schedule,
        int decayEvery, float decayFactor, long seed, boolean keepBest) {

    /** Learning-rate schedules. */
    public enum Schedule { STEP, COSINE }

    public TrainOptions {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        if (decayEvery < 1) {
            throw new IllegalArgumentException("decay-every must be >= 1 epoch, got " + decayEvery);
        }
        if (!(decayFactor > 0 && decayFactor <= 1)) {
            throw new IllegalArgumentException("decay factor must be in (0, 1], got " + decayFactor);
        }
    }

    /**
     * The paper's head settings (MODEL.md section 5, preset {@code pretrained}): 13 epochs, batch 8,
     * Adam 1e-4, weight decay 1e-3, x0.1 every 4 epochs.
     */
    public static TrainOptions pretrained(long seed) {
        return new TrainOptions(13, 8, 1e-4f, 1e-3f, Schedule.STEP, 4, 0.1f, seed, false);
    }

    /** Preset {@code scratch} (MODEL.md 6c): 40 epochs, Adam 2e-3, cosine, best val kept. */
    public static TrainOptions scratch(long seed) {
        return new TrainOptions(40, 8, 2e-3f, 1e-3f, Schedule.COSINE, 4, 0.1f, seed, true);
    }

    /** The learning rate during the given epoch (0-based). */
    public float learningRateAt(int epoch, double fractionOfEpoch) {
        if (schedule == Schedule.COSINE) {
            double progress = Math.min(1.0, (epoch + fractionOfEpoch) / epochs);
            return (float) (learningRate * 0.5 * (1 + Math.cos(Math.PI * progress)));
        }
        return (float) (learningRate * Math.pow(decayFactor, epoch / decayEvery));
    }

    public TrainOptions withEpochs(int e) {
        return new TrainOptions(e, batchSize, learningRate, weightDecay, schedule, decayEvery, decayFactor, seed, keepBest);
    }

    public TrainOptions withLearningRate(float lr) {
        return new TrainOptions(epochs, batchSize, lr, weightDecay, schedule, decayEvery, decayFactor, seed, keepBest);
    }

    public TrainOptions withStepDecay(int every, float factor) {
        return new TrainOptions(epochs, batchSize, learningRate, weightDecay, Schedule.STEP, every, factor, seed, keepBest);
    }

    public TrainOptions withSeed(long s) {
        return new TrainOptions(epochs, batchSize, learningRate, weightDecay, schedule, decayEvery, decayFactor, s, keepBest);
    }
}
