package org.lorapipeline.core.label;

import java.awt.image.BufferedImage;
import java.util.List;

/** Decoded images to unit-length embeddings, pre-processing included (CLIP's vision tower, or a stand-in). */
@FunctionalInterface
public interface ImageEmbedder {
    float[][] embed(List<BufferedImage> images);
}
