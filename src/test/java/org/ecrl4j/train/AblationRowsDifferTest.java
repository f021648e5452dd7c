package org.ecrl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.recipe.Recipe;
import org.ecrl4j.recipe.Recipes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rows of an ablation table are different models: built as training builds them, from the same
 * features and the same seed, no two rows of Table 3, 4 or 5 give the same logits. Four copies of one
 * configuration, or an option that does not reach the head (a "without prior" that keeps the prior,
 * a dictionary kind that is ignored), fail here. The features' classes are imbalanced, so the
 * class-frequency prior is not uniform.
 */
class AblationRowsDifferTest {
    @ParameterizedTest
    @ValueSource(strings = {"3", "4", "5"})
    void noTwoRowsGiveTheSameLogits(String table) {
        FeatureSet train = GoldenHead.features();
        List<Recipe> rows = Recipes.table(table);
        List<float[]> logits = new ArrayList<>();
        for (Recipe r : rows) {
            try (HeadModel model = GoldenHead.build(r.head(), train)) {
                logits.add(model.logits(train, 64));
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            for (int j = i + 1; j < rows.size(); j++) {
                float[] a = logits.get(i);
                float[] b = logits.get(j);
                assertEquals(a.length, b.length);
                double diff = 0;
                for (int k = 0; k < a.length; k++) {
                    diff = Math.max(diff, Math.abs(a[k] - b[k]));
                }
                assertTrue(diff > 1e-3, "table " + table + ": rows '" + rows.get(i).name() + "' and '"
                        + rows.get(j).name() + "' give the same logits (max difference " + diff + ")");
            }
        }
    }
}
