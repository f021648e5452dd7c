/** Small shared utilities: atomic file writing and the checks of output paths. */
package org.ecrl4j.util;
