package org.lorapipeline.core.sd.data;

import java.util.List;
import java.util.SplittableRandom;

/** Fisher-Yates with a {@link SplittableRandom}, so shuffles replay exactly from a seed. */
final class Shuffle {
    private Shuffle() {
    }

    static <T> void inPlace(List<T> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
