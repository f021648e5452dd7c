package org.ecrl4j.nn.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Runs a named method of a TorchScript module with autograd on or off. DJL 0.36's
 * {@code IValueUtils.runMethod} always runs with autograd off; the native call underneath
 * ({@code PyTorchLibrary.moduleRunMethod}) takes the flag but is not public, so it is reached by
 * reflection, looked up once, as is the {@link IValue} constructor that wraps its result.
 */
public final class ModuleMethods {
    private ModuleMethods() {}

    /** This DJL version lacks the native call or the wrapper (the reflection failed). */
    public static final class UnavailableException extends RuntimeException {
        UnavailableException(ReflectiveOperationException cause) {
            super(cause.toString(), cause);
        }
    }

    private static final class Native {
        static final Object LIB;
        static final Method RUN;
        static final Constructor<IValue> WRAP;
        static final ReflectiveOperationException MISSING;

        static {
            Object lib = null;
            Method run = null;
            Constructor<IValue> wrap = null;
            ReflectiveOperationException missing = null;
            try {
                Class<?> c = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
                Field f = c.getDeclaredField("LIB");
                f.setAccessible(true);
                lib = f.get(null);
                run = c.getDeclaredMethod("moduleRunMethod", long.class, String.class, long[].class, boolean.class,
                        boolean.class);
                run.setAccessible(true);
                wrap = IValue.class.getDeclaredConstructor(long.class);
                wrap.setAccessible(true);
            } catch (ReflectiveOperationException | RuntimeException e) {
                missing = e instanceof ReflectiveOperationException r ? r : new ReflectiveOperationException(e);
            }
            LIB = lib;
            RUN = run;
            WRAP = wrap;
            MISSING = missing;
        }
    }

    /**
     * Checks that this DJL version has what {@link #run} needs.
     *
     * @throws UnavailableException when it has not
     */
    public static void check() {
        if (Native.MISSING != null) {
            throw new UnavailableException(Native.MISSING);
        }
    }

    /**
     * Runs {@code method} of {@code module} on tensors, with autograd on when {@code grad} (the
     * module's train/eval state is not touched); returns its tensor result in the first input's
     * manager.
     *
     * @throws InvocationTargetException wrapping what the method threw
     * @throws UnavailableException when this DJL version lacks the native call
     */
    public static NDArray run(PtSymbolBlock module, String method, boolean grad, NDArray... inputs)
            throws InvocationTargetException {
        check();
        IValue[] in = new IValue[inputs.length];
        long[] handles = new long[inputs.length];
        try {
            for (int i = 0; i < inputs.length; i++) {
                in[i] = IValue.from((PtNDArray) inputs[i]);
                handles[i] = in[i].getHandle();
            }
            long out = (Long) Native.RUN.invoke(Native.LIB, module.getHandle(), method, handles, grad, false);
            try (IValue result = Native.WRAP.newInstance(out)) {
                return result.toTensor((PtNDManager) inputs[0].getManager());
            }
        } catch (InstantiationException | IllegalAccessException e) {
            throw new UnavailableException(e);
        } finally {
            for (IValue v : in) {
                if (v != null) {
                    v.close();
                }
            }
        }
    }
}
