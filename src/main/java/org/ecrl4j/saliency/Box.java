package org.ecrl4j.saliency;

/**
 * An axis-aligned pixel box: columns {@code [x, x + width)}, rows {@code [y, y + height)}.
 */
public record Box(int x, int y, int width, int height) {
    public Box {
        if (x < 0 || y < 0 || width <= 0 || height <= 0) {
            throw new IllegalArgumentException("Bad box " + width + "x" + height + " at (" + x + "," + y + ")");
        }
    }

    /** The smallest box holding both. */
    public Box union(Box o) {
        int x0 = Math.min(x, o.x);
        int y0 = Math.min(y, o.y);
        int x1 = Math.max(x + width, o.x + o.width);
        int y1 = Math.max(y + height, o.y + o.height);
        return new Box(x0, y0, x1 - x0, y1 - y0);
    }

    /** Whether pixel (px, py) lies inside. */
    public boolean contains(int px, int py) {
        return px >= x && px < x + width && py >= y && py < y + height;
    }

    /** Whether {@code o} lies entirely inside this box. */
    public boolean contains(Box o) {
        return o.x >= x && o.y >= y && o.x + o.width <= x + width && o.y + o.height <= y + height;
    }
}
