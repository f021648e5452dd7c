/** Video decoding, frame sampling and transforms; the only package that touches JavaCV's decoder. */
package org.ecrl4j.video;
