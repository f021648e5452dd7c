/** Small shared utilities: atomic file writing and the checksummed envelope of binary files. */
package org.ecrl4j.util;
