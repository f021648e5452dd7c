package org.ecrl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The DJL bridges, on the PyTorch engine. */
class NpyArrayNDArrayTest {

    @Test
    void everyDtypeRoundTripsThroughAnNDArray() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (long[] shape : NpyRoundTripTest.SHAPES) {
                for (NpyArray a : NpyRoundTripTest.everyDtype(3, shape)) {
                    NDArray nd = a.toNDArray(manager);
                    assertArrayEquals(a.shape(), nd.getShape().getShape(), a.toString());
                    DataType expected = switch (a.dtype()) {
                        case FLOAT16 -> DataType.FLOAT16;
                        case FLOAT32 -> DataType.FLOAT32;
                        case FLOAT64 -> DataType.FLOAT64;
                        case INT32 -> DataType.INT32;
                        case INT64 -> DataType.INT64;
                    };
                    assertEquals(expected, nd.getDataType());
                    assertEquals(a, NpyArray.fromNDArray(nd));
                }
            }
        }
    }

    @Test
    void fixtureValuesReachTheEngine() throws IOException {
        NpyArray a = Npy.read(NpyFixturesTest.DIR.resolve("f32_fortran_3x5.npy"));
        NpyArray h = Npy.read(NpyFixturesTest.DIR.resolve("f16_4.npy"));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray nd = a.toNDArray(manager);
            assertEquals(7f, nd.getFloat(1, 2));
            assertEquals(105f, nd.sum().getFloat());
            NDArray hd = h.toNDArray(manager).toType(DataType.FLOAT32, false);
            assertArrayEquals(new float[] {0.5f, -1.25f, 2.0f, 65504.0f}, hd.toFloatArray(), 0f);
        }
    }

    /** PyTorch's own float32 -> float16 cast agrees with Half.fromFloat bit for bit. */
    @Test
    void halfRoundingAgreesWithPyTorch() {
        SplittableRandom r = new SplittableRandom(11);
        float[] v = new float[20000];
        for (int i = 0; i < v.length; i++) {
            // spread over the normal, subnormal and overflow ranges
            v[i] = (float) (r.nextGaussian() * Math.pow(2, r.nextInt(-30, 18)));
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray half = manager.create(v).toType(DataType.FLOAT16, false);
            NpyArray fromTorch = NpyArray.fromNDArray(half);
            assertEquals(NpyArray.DType.FLOAT16, fromTorch.dtype());
            assertArrayEquals(NpyArray.ofFloatsAsHalf(v, v.length).toHalfBits(), fromTorch.toHalfBits());
        }
    }

    @Test
    void narrowEngineTypesWiden() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray bytes = manager.create(new byte[] {1, -2, 3}).toType(DataType.INT8, false);
            NpyArray a = NpyArray.fromNDArray(bytes);
            assertEquals(NpyArray.DType.INT32, a.dtype());
            assertArrayEquals(new int[] {1, -2, 3}, a.toIntArray());
            NpyArray b = NpyArray.fromNDArray(manager.create(new boolean[] {true, false}));
            assertArrayEquals(new int[] {1, 0}, b.toIntArray());
        }
    }
}
