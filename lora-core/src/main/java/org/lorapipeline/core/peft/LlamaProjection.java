package org.lorapipeline.core.peft;

import java.util.Optional;

/**
 * The seven LLaMA linear projections a LoRA can target, as data: HF parent block and module name, and the
 * llama.cpp GGUF base-tensor name ({@code src/llama-arch.cpp} LLM_TENSOR names).
 */
public enum LlamaProjection {
    Q_PROJ("self_attn", "q_proj", "attn_q"),
    K_PROJ("self_attn", "k_proj", "attn_k"),
    V_PROJ("self_attn", "v_proj", "attn_v"),
    O_PROJ("self_attn", "o_proj", "attn_output"),
    GATE_PROJ("mlp", "gate_proj", "ffn_gate"),
    UP_PROJ("mlp", "up_proj", "ffn_up"),
    DOWN_PROJ("mlp", "down_proj", "ffn_down");

    private final String block;
    private final String module;
    private final String gguf;

    LlamaProjection(String block, String module, String gguf) {
        this.block = block;
        this.module = module;
        this.gguf = gguf;
    }

    /** HF module name as used in {@code target_modules}, e.g. {@code q_proj}. */
    public String module() {
        return module;
    }

    /** HF module path, e.g. {@code model.layers.3.self_attn.q_proj}. */
    public String hfPath(int layer) {
        return "model.layers." + layer + "." + block + "." + module;
    }

    /** llama.cpp base weight name, e.g. {@code blk.3.attn_q.weight}. */
    public String ggufWeight(int layer) {
        return "blk." + layer + "." + gguf + ".weight";
    }

    public static Optional<LlamaProjection> byModule(String module) {
        for (LlamaProjection p : values()) {
            if (p.module.equals(module)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
