/**
 * The HTML report of a run: renders the run folder's files (config.json, metrics.json and the
 * evidence written by {@code explain}) as HTML and SVG; it runs no model and decodes no video.
 */
package org.ecrl4j.report;
