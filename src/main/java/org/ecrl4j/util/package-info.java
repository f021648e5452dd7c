/**
 * Small shared utilities: atomic file writing, the checksummed envelope of binary files and the
 * checks of output paths.
 */
package org.ecrl4j.util;
