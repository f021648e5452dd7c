package org.ecrl4j.data;

/** The dataset annotation formats that {@link DatasetReaders} reads. */
public enum DatasetFormat {
    /** A folder {@code ROOT/[SPLIT/]CLASS/VIDEO} of video files or frame folders. */
    FOLDER,
    /** A CSV file with a header: {@code path,label[,split][,start,end][,more...]}. */
    CSV,
    /** A whitespace-separated list {@code path label} (Kinetics, UCF101, MMAction2 lists). */
    LIST,
    /** MSR-VTT's {@code videodatainfo} JSON ({@code videos[]} with {@code category} and {@code split}). */
    MSRVTT,
    /** ActivityNet's {@code activity_net.v1-3} JSON ({@code database} of annotated videos). */
    ACTIVITYNET
}
