package org.ecrl4j.synth;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The object shapes. Each is a region of the unit disc in the object's own coordinates ({@code u}
 * right, {@code v} down, one unit = the object's radius), and none has a rotational symmetry, so a
 * rotation is visible in its mask alone (no marker needed). The first four are used with up to 6
 * classes, all six once the rotation pair is in.
 */
public enum ObjectShape {
    /** A tall isosceles triangle, apex up. */
    TRIANGLE("triangle"),
    /** A disc with its lower part cut off. */
    HALF_DISC("half-disc"),
    /** An L of two bars. */
    ELL("ell"),
    /** An arrow pointing right. */
    ARROW("arrow"),
    /** A disc with a wedge cut out (a mouth), facing right. */
    PACMAN("pacman"),
    /** A drop: a disc below, a point above. */
    TEARDROP("teardrop");

    private final String label;

    ObjectShape(String label) {
        this.label = label;
    }

    /** The name written in the annotations. */
    public String label() {
        return label;
    }

    /** Whether the point (u, v) of the object's own coordinates lies in the shape. */
    public boolean contains(double u, double v) {
        switch (this) {
            case TRIANGLE:
                return triangle(u, v, 0, -1, -0.62, 0.8, 0.62, 0.8);
            case HALF_DISC:
                return u * u + v * v <= 0.95 * 0.95 && v <= 0.3;
            case ELL:
                return (u >= -0.7 && u <= -0.12 && v >= -0.7 && v <= 0.7)
                        || (u >= -0.7 && u <= 0.7 && v >= 0.12 && v <= 0.7);
            case ARROW:
                return (u >= -0.92 && u <= 0.15 && Math.abs(v) <= 0.26)
                        || (u >= 0.15 && u <= 0.95 && Math.abs(v) <= 0.66 * (0.95 - u) / 0.8);
            case PACMAN: {
                boolean inDisc = u * u + v * v <= 0.93 * 0.93;
                boolean inMouth = u > 0 && Math.abs(v) < u * Math.tan(Math.toRadians(38));
                return inDisc && !inMouth;
            }
            case TEARDROP: {
                double dv = v - 0.3;
                return u * u + dv * dv <= 0.62 * 0.62 || triangle(u, v, 0, -0.95, -0.55, 0.02, 0.55, 0.02);
            }
            default:
                throw new AssertionError(this);
        }
    }

    private static boolean triangle(double u, double v, double ax, double ay, double bx, double by, double cx, double cy) {
        double d1 = cross(u, v, ax, ay, bx, by);
        double d2 = cross(u, v, bx, by, cx, cy);
        double d3 = cross(u, v, cx, cy, ax, ay);
        boolean hasNeg = d1 < 0 || d2 < 0 || d3 < 0;
        boolean hasPos = d1 > 0 || d2 > 0 || d3 > 0;
        return !(hasNeg && hasPos);
    }

    private static double cross(double px, double py, double ax, double ay, double bx, double by) {
        return (px - bx) * (ay - by) - (ax - bx) * (py - by);
    }

    /** How many shapes a benchmark of {@code classes} classes uses: 4, or 6 with the rotation pair. */
    public static int countFor(int classes) {
        return classes > EventClass.ROTATE_CW.ordinal() ? 6 : 4;
    }

    /** The shapes a benchmark of {@code classes} classes uses. */
    public static List<ObjectShape> forClasses(int classes) {
        return List.copyOf(Arrays.asList(values()).subList(0, countFor(classes)));
    }

    /** The shape with this label. */
    public static ObjectShape ofLabel(String label) {
        for (ObjectShape s : values()) {
            if (s.label.equals(label.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown shape '" + label + "'; known: "
                + Arrays.stream(values()).map(ObjectShape::label).toList());
    }
}
