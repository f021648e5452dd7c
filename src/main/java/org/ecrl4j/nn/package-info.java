/**
 * The ECRL network as DJL blocks: cross-frame modelling, back-door de-biasing, global-local causal
 * attention and their composition. Shape legend (MODEL.md): B batch, T frames, d feature width,
 * L classes, K_c confounders, K_g global entries.
 */
package org.ecrl4j.nn;
