package org.ecrl4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Shape contracts checked at block boundaries, with messages naming expected and actual shapes. */
public final class Shapes {
    /** Marks a dimension that may take any size (usually the batch). */
    public static final long ANY = -1;

    private Shapes() {}

    /**
     * Checks that {@code array} has the expected shape.
     *
     * @param name what the array is, for the message ("F_s", "Z")
     * @param legend letters for the dimensions, for the message ("B,T,d")
     * @param expected sizes, {@link #ANY} for a free dimension
     * @throws IllegalArgumentException naming the expected and the actual shape
     */
    public static void require(NDArray array, String name, String legend, long... expected) {
        Shape actual = array.getShape();
        boolean ok = actual.dimension() == expected.length;
        for (int i = 0; ok && i < expected.length; i++) {
            ok = expected[i] == ANY || expected[i] == actual.get(i);
        }
        if (!ok) {
            throw new IllegalArgumentException(name + ": expected shape " + describe(legend, expected)
                    + ", got " + actual);
        }
    }

    static String describe(String legend, long... expected) {
        String[] letters = legend.split(",");
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < expected.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            String letter = i < letters.length ? letters[i].trim() : "?";
            sb.append(expected[i] == ANY ? letter : letter + "=" + expected[i]);
        }
        return sb.append(')').toString();
    }
}
