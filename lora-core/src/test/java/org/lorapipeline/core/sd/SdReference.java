package org.lorapipeline.core.sd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.IntToDoubleFunction;
import org.lorapipeline.core.engine.Tensors;

/** Numbers written by {@code sd-reference/make_reference.py} (an independent torch forward of the tiny SD model). */
final class SdReference {
    static final long SEED = 42;
    private static JsonNode root;

    private SdReference() {}

    static synchronized JsonNode json() {
        if (root == null) {
            try (InputStream in = SdReference.class.getResourceAsStream("/sd-reference/reference.json")) {
                root = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    static float[] floats(String key) {
        JsonNode a = json().get(key);
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) a.get(i).asDouble();
        }
        return out;
    }

    /** The script's closed-form inputs: value i is {@code f(i)} in double, rounded to float. */
    static NDArray formula(NDManager m, IntToDoubleFunction f, long... shape) {
        int n = Math.toIntExact(new ai.djl.ndarray.types.Shape(shape).size());
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) f.applyAsDouble(i);
        }
        return Tensors.create(m, v, shape);
    }

    static NDArray unetSample(NDManager m) {
        return formula(m, i -> Math.sin(0.37 * i + 0.1), 2, 4, 8, 8);
    }

    static NDArray encoderHiddenStates(NDManager m) {
        return formula(m, i -> 0.8 * Math.cos(0.11 * i), 2, 77, 32);
    }

    static final float[] TIMESTEPS = {10, 981};

    static NDArray image(NDManager m) {
        return formula(m, i -> 0.9 * Math.sin(0.23 * i), 1, 3, 16, 16);
    }

    static NDArray latents(NDManager m) {
        return formula(m, i -> Math.cos(0.29 * i), 1, 4, 8, 8);
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
