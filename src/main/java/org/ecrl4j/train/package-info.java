/** Training loops, run folders and their provenance. */
package org.ecrl4j.train;
