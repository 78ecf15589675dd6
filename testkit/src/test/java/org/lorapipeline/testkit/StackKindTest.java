package org.lorapipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StackKindTest {
    @Test
    void parsesTheSystemPropertyValues() {
        assertThat(StackKind.parse("embedded")).isEqualTo(StackKind.EMBEDDED);
        assertThat(StackKind.parse(" Testcontainers ")).isEqualTo(StackKind.TESTCONTAINERS);
        assertThat(StackKind.parse("")).isEqualTo(StackKind.EMBEDDED);
        assertThatThrownBy(() -> StackKind.parse("k8s")).hasMessageContaining("-Dlora.stack=k8s")
                .hasMessageContaining("embedded (default) or testcontainers");
    }
}
