/** Small shared utilities: atomic file writing. */
package org.ecrl4j.util;
