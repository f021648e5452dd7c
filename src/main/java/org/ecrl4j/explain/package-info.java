/**
 * The explain step of evaluation: runs trained models on test features and videos and writes what
 * the report shows into the run folder ({@code RUN/evidence/}: test logits and confusion, t-SNE
 * coordinates, chosen videos, frame weights, PNG strips of frames, Grad-CAM and the saliency split).
 */
package org.ecrl4j.explain;
