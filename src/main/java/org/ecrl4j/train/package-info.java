/** The training loop and its checkpoints, the head's training step, run folders and their provenance. */
package org.ecrl4j.train;
