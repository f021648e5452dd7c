/** The HTML report of a run: metrics, training curves and the paper's figures (t-SNE, Grad-CAM, top-3). */
package org.ecrl4j.report;
