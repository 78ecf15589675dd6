package org.lorapipeline.core.clip;

import java.nio.file.Path;

/**
 * Writes the committed reference tiny CLIP: {@code java ... TinyClipRegenerate <dir>}. The reference test checks
 * that {@link TinyClip#write} with {@link ClipReference#SEED} still produces exactly those bytes.
 */
public final class TinyClipRegenerate {
    private TinyClipRegenerate() {}

    public static void main(String[] args) throws Exception {
        TinyClip.write(Path.of(args[0]), ClipReference.SEED);
    }
}
