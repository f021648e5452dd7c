package org.ecrl4j.synth;

/**
 * Where the object is in one frame, in pixels of that frame.
 *
 * @param cx centre column (pixel centres are at x + 0.5)
 * @param cy centre row, growing downwards
 * @param radius the radius of the disc that holds the shape
 * @param angle rotation in radians, positive clockwise on screen
 * @param opacity 0 (invisible) to 1 (opaque)
 */
public record ObjectState(double cx, double cy, double radius, double angle, double opacity) {}
