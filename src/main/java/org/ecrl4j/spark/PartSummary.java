package org.ecrl4j.spark;

import java.util.ArrayList;

/** What a task did: its partition, the videos it processed, and those it skipped (PATH: REASON). */
record PartSummary(int part, int ok, ArrayList<String> skipped) implements java.io.Serializable {}
