package org.ecrl4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.stream.Stream;
import org.ecrl4j.recipe.Recipes;
import org.ecrl4j.dictionary.DictionaryKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EcrlHeadTest {
    static final int D = 16;
    static final int L = 4;

    static Stream<String> configs() {
        return Recipes.names().stream();
    }

    static Stream<Arguments> configsBatchesFrames() {
        return Recipes.names().stream().flatMap(c -> Stream.of(
                Arguments.of(c, 1, 1), Arguments.of(c, 1, 8), Arguments.of(c, 8, 1), Arguments.of(c, 8, 8)));
    }

    @ParameterizedTest(name = "{0} B={1} T={2}")
    @MethodSource("configsBatchesFrames")
    void outputShapes(String name, int b, int t) {
        try (NDManager m = NDManager.newBaseManager()) {
            HeadConfig config = Recipes.named(name).head().toBuilder().globalEntries(12).build();
            EcrlHead head = NnTestSupport.head(m, config, new HeadShape(t, D, L), 1);
            NDList out = NnTestSupport.forward(head, m, NnTestSupport.streams(m, b, t, D), false);
            assertEquals(new Shape(b, L), out.get("logits").getShape());
            assertEquals(new Shape(b, D), out.get("pooled_v").getShape());
            if (config.backdoor()) {
                assertEquals(new Shape(b, D), out.get("F_cc").getShape());
                assertEquals(new Shape(b, 5), out.get("mu").getShape());
            }
            if (config.frontdoor()) {
                assertEquals(new Shape(b, D), out.get("F_fd").getShape());
                assertEquals(new Shape(b, t), out.get("a_local").getShape());
                assertEquals(new Shape(b, 12), out.get("a_global").getShape());
            }
            assertFalse(out.get("logits").isNaN().any().getBoolean());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void wrongWidthOrFramesNamesExpectedAndActualShape(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            EcrlHead head = NnTestSupport.head(m, Recipes.named(name).head().toBuilder().globalEntries(6).build(),
                    new HeadShape(8, D, L), 1);
            NDList wrongWidth = NnTestSupport.streams(m, 2, 8, D + 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NnTestSupport.forward(head, m, wrongWidth, false));
            assertTrue(e.getMessage().contains("d=16") && e.getMessage().contains("(2, 8, 17)"), e.getMessage());
            NDList wrongFrames = NnTestSupport.streams(m, 2, 6, D);
            e = assertThrows(IllegalArgumentException.class,
                    () -> NnTestSupport.forward(head, m, wrongFrames, false));
            assertTrue(e.getMessage().contains("T=8") && e.getMessage().contains("(2, 6, 16)"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void everyParameterGetsAGradientAndNoNaN(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            HeadConfig config = Recipes.named(name).head().toBuilder().globalEntries(10).dropout(0.1f).build();
            EcrlHead head = NnTestSupport.head(m, config, new HeadShape(8, D, L), 3);
            NDList in = NnTestSupport.streams(m, 8, 8, D);
            NDArray labels = m.create(new long[] {0, 1, 2, 3, 0, 1, 2, 3});
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = NnTestSupport.forward(head, m, in, true).get("logits");
                gc.backward(Losses.crossEntropy(logits, labels));
            }
            int count = 0;
            for (Pair<String, Parameter> p : head.getParameters()) {
                NDArray grad = p.getValue().getArray().getGradient();
                assertFalse(grad.isNaN().any().getBoolean(), p.getKey() + " has NaN gradient");
                float norm = grad.abs().sum().getFloat();
                assertTrue(norm > 0, name + ": parameter " + p.getKey() + " has a zero gradient");
                count++;
            }
            assertTrue(count >= 2, "too few parameters: " + count);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void saveThenLoadGivesIdenticalLogits(String name) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            HeadConfig config = Recipes.named(name).head().toBuilder().globalEntries(7).build();
            HeadShape shape = new HeadShape(4, D, L);
            EcrlHead head = NnTestSupport.head(m, config, shape, 5);
            NDList in = NnTestSupport.streams(m, 3, 4, D);
            float[] before = NnTestSupport.forward(head, m, in, false).get("logits").toFloatArray();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            head.saveParameters(new DataOutputStream(bytes));

            EcrlHead other = NnTestSupport.head(m, config, shape, 99);
            if (config.backdoor()) {
                other.setConfounders(head.confounders(), head.prior());
            }
            float[] differently = NnTestSupport.forward(other, m, in, false).get("logits").toFloatArray();
            assertFalse(java.util.Arrays.equals(before, differently), "another seed must give other logits");
            other.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            float[] after = NnTestSupport.forward(other, m, in, false).get("logits").toFloatArray();
            assertArrayEquals(before, after, 0f);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void onlyTheConfigurationsPartsExist(String name) {
        HeadConfig config = Recipes.named(name).head();
        EcrlHead head = new EcrlHead(config, new HeadShape(8, D, L));
        java.util.function.Predicate<String> has = part ->
                head.getChildren().keys().stream().anyMatch(k -> k.endsWith(part));
        assertEquals(config.backdoor(), has.test("backdoor"));
        assertEquals(config.frontdoor(), has.test("glca"));
        assertEquals(config.videoLogit(), has.test("video_fc"));
        assertEquals(config.branch() != Branch.NONE, has.test("branch_fc"));
    }

    @org.junit.jupiter.api.Test
    void backdoorWithoutDictionaryIsAClearError() {
        try (NDManager m = NDManager.newBaseManager()) {
            EcrlHead head = new EcrlHead(Recipes.named("fcm-bcm-bd").head(), new HeadShape(2, D, L));
            head.initialize(m);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> NnTestSupport.forward(head, m, NnTestSupport.streams(m, 1, 2, D), false));
            assertTrue(e.getMessage().contains("dictionary"), e.getMessage());
        }
    }

    @org.junit.jupiter.api.Test
    void configurationValidationNamesTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Recipes.named("no-such-row").head());
        assertTrue(e.getMessage().contains("ecrl-plus"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Recipes.named("ecrl").head().toBuilder().dictionary(DictionaryKind.KMEANS, 0).build());
        assertTrue(e.getMessage().contains("K_c"), e.getMessage());
        assertNotNull(Recipes.named("ECRL").head());
    }
}
