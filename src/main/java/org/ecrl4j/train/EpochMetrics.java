package org.ecrl4j.train;

/**
 * What one training epoch measured. Validation fields are NaN when there is no validation set.
 */
public record EpochMetrics(int epoch, double learningRate, double loss, double acc1, double acc5,
        double valLoss, double valAcc1, double valAcc5, double seconds) {}
