/** Builders of the back-door confounder dictionary and of the front-door global dictionary's start. */
package org.ecrl4j.dictionary;
