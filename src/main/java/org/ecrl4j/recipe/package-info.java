/**
 * The named recipes: every configuration the toolkit trains ({@code base}, {@code ecrl},
 * {@code ecrl-plus}, the rows of the paper's ablation tables, ...) as one record each, in one table
 * that {@code train}, {@code ablate} and the demo read. Depends on {@code nn} and {@code saliency}
 * only.
 */
package org.ecrl4j.recipe;
