/** Metrics: top-k accuracy, mean class accuracy, confusion matrices and the benchmark's bias metrics. */
package org.ecrl4j.eval;
