package org.lorapipeline.core.tensorboard;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One {@code Summary.Value}: a tag plus a legacy {@code simple_value}, a legacy {@code image}, or a tensor with
 * plugin metadata (the newer form; a DT_FLOAT scalar with plugin {@code scalars}).
 */
public record SummaryValue(String tag, Float simpleValue, SummaryImage image, String pluginName, float[] tensorFloats) {
    public SummaryValue {
        Objects.requireNonNull(tag, "tag");
        tensorFloats = tensorFloats == null ? null : tensorFloats.clone();
    }

    /** The form PyTorch's SummaryWriter writes by default. */
    public static SummaryValue simple(String tag, float value) {
        return new SummaryValue(tag, value, null, null, null);
    }

    /** The form TensorBoard's own summary API writes: scalar DT_FLOAT tensor, plugin "scalars". */
    public static SummaryValue scalarTensor(String tag, float value) {
        return new SummaryValue(tag, null, null, "scalars", new float[] {value});
    }

    public static SummaryValue image(String tag, SummaryImage image) {
        return new SummaryValue(tag, null, image, null, null);
    }

    @Override
    public float[] tensorFloats() {
        return tensorFloats == null ? null : tensorFloats.clone();
    }

    /** The scalar in either form, or empty for images and other values. */
    public OptionalDouble scalar() {
        if (simpleValue != null) {
            return OptionalDouble.of(simpleValue);
        }
        if ("scalars".equals(pluginName) && tensorFloats != null && tensorFloats.length == 1) {
            return OptionalDouble.of(tensorFloats[0]);
        }
        return OptionalDouble.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SummaryValue v && tag.equals(v.tag) && Objects.equals(simpleValue, v.simpleValue)
                && Objects.equals(image, v.image) && Objects.equals(pluginName, v.pluginName)
                && Arrays.equals(tensorFloats, v.tensorFloats);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tag, simpleValue, image, pluginName) * 31 + Arrays.hashCode(tensorFloats);
    }
}
