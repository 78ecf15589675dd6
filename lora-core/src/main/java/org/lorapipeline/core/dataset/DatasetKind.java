package org.lorapipeline.core.dataset;

/** Image datasets train Stable Diffusion LoRAs; text datasets train LLaMA LoRAs. */
public enum DatasetKind {
    IMAGE, TEXT
}
