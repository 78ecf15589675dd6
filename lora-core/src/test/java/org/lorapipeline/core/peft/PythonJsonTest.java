package org.lorapipeline.core.peft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected strings were printed by CPython 3's json.dumps / repr. */
class PythonJsonTest {

    @Test
    void floatsUsePythonRepr() {
        assertThat(PythonJson.floatRepr(0.05)).isEqualTo("0.05");
        assertThat(PythonJson.floatRepr(1e-05)).isEqualTo("1e-05");
        assertThat(PythonJson.floatRepr(0.0001)).isEqualTo("0.0001");
        assertThat(PythonJson.floatRepr(8.0)).isEqualTo("8.0");
        assertThat(PythonJson.floatRepr(1e16)).isEqualTo("1e+16");
        assertThat(PythonJson.floatRepr(1e15)).isEqualTo("1000000000000000.0");
        assertThat(PythonJson.floatRepr(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(PythonJson.floatRepr(-2.5e-7)).isEqualTo("-2.5e-07");
        assertThat(PythonJson.floatRepr(123.456)).isEqualTo("123.456");
        assertThat(PythonJson.floatRepr(1.5e300)).isEqualTo("1.5e+300");
    }

    @Test
    void nestedContainersAndEscapes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", List.of(1, List.of(2, Map.of())));
        m.put("a", "é\n\"x");
        assertThat(PythonJson.dumps(m, 2)).isEqualTo(
                "{\n  \"a\": \"\\u00e9\\n\\\"x\",\n  \"b\": [\n    1,\n    [\n      2,\n      {}\n    ]\n  ]\n}");
    }
}
