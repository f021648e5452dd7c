/** The end-to-end pipeline: ingested clip stores, background swap, stage-1 and stage-2 training on videos. */
package org.ecrl4j.pipeline;
