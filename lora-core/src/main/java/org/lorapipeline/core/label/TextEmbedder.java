package org.lorapipeline.core.label;

import java.util.List;

/** Texts to unit-length embeddings (CLIP's text tower and projection, or a stand-in in tests). */
@FunctionalInterface
public interface TextEmbedder {
    float[][] embed(List<String> texts);
}
