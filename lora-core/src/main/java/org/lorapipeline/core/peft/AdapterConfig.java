package org.lorapipeline.core.peft;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code adapter_config.json} of a PEFT LoRA adapter, with exactly the field set of peft 0.13.2
 * ({@code src/peft/config.py}, {@code tuners/lora/config.py}); component names are the JSON keys. peft 0.13.x
 * raises TypeError on any key it does not know, so {@link AdapterConfigJson} writes exactly these 24 keys.
 * Fields that Python types as unions keep their JSON shape: {@code init_lora_weights} is Boolean or String,
 * {@code layers_pattern} String or List, {@code layers_to_transform} Integer or List, {@code target_modules}
 * List of names or a regex String.
 */
public record AdapterConfig(
        Map<String, Object> alpha_pattern,
        Map<String, Object> auto_mapping,
        String base_model_name_or_path,
        String bias,
        boolean fan_in_fan_out,
        boolean inference_mode,
        Object init_lora_weights,
        List<List<Integer>> layer_replication,
        Object layers_pattern,
        Object layers_to_transform,
        Map<String, Object> loftq_config,
        double lora_alpha,
        double lora_dropout,
        Map<String, Object> megatron_config,
        String megatron_core,
        List<String> modules_to_save,
        String peft_type,
        int r,
        Map<String, Object> rank_pattern,
        String revision,
        Object target_modules,
        String task_type,
        boolean use_dora,
        boolean use_rslora) {

    /** The LLaMA projections PEFT targets when {@code target_modules} is left null. */
    public static final List<String> LLAMA_DEFAULT_TARGETS = List.of("q_proj", "v_proj");

    public AdapterConfig {
        alpha_pattern = copy(alpha_pattern);
        rank_pattern = copy(rank_pattern);
        loftq_config = copy(loftq_config);
        if (auto_mapping != null) {
            auto_mapping = copy(auto_mapping);
        }
        if (megatron_config != null) {
            megatron_config = copy(megatron_config);
        }
        if (r <= 0) {
            throw new IllegalArgumentException("r must be a positive rank, got " + r);
        }
        if (!(lora_dropout >= 0 && lora_dropout < 1)) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + lora_dropout);
        }
        if (!List.of("none", "all", "lora_only").contains(bias)) {
            throw new IllegalArgumentException("bias must be none, all or lora_only, got " + bias);
        }
        if (!"LORA".equals(peft_type)) {
            throw new IllegalArgumentException("peft_type must be LORA, got " + peft_type);
        }
        if (!(init_lora_weights instanceof Boolean || init_lora_weights instanceof String)) {
            throw new IllegalArgumentException("init_lora_weights must be a boolean or a method name, got "
                    + init_lora_weights);
        }
        if (target_modules != null && !(target_modules instanceof String)) {
            if (!(target_modules instanceof List<?> l) || !l.stream().allMatch(String.class::isInstance)) {
                throw new IllegalArgumentException("target_modules must be a list of module names or a regex, got "
                        + target_modules);
            }
            target_modules = List.copyOf(l);
        }
        if (modules_to_save != null) {
            modules_to_save = List.copyOf(modules_to_save);
        }
        if (layer_replication != null) {
            layer_replication = layer_replication.stream().map(List::copyOf).toList();
        }
        if (layers_to_transform instanceof List<?> l) {
            layers_to_transform = List.copyOf(l);
        }
        if (layers_pattern instanceof List<?> l) {
            layers_pattern = List.copyOf(l);
        }
        if (megatron_core == null) {
            throw new IllegalArgumentException("megatron_core must not be null (peft default 'megatron.core')");
        }
    }

    /** Every field at its peft 0.13.2 default ({@code r 8}, {@code lora_alpha 8}, no task type, not inference). */
    public static AdapterConfig defaults() {
        return new AdapterConfig(Map.of(), null, null, "none", false, false, Boolean.TRUE, null, null, null,
                Map.of(), 8, 0.0, null, "megatron.core", null, "LORA", 8, Map.of(), null, null, null, false, false);
    }

    /** What {@code save_pretrained} writes for a causal-LM LoRA: task CAUSAL_LM, inference_mode true. */
    public static AdapterConfig causalLm(String baseModel, int r, double alpha, List<String> targetModules) {
        return defaults().withBaseModel(baseModel).withRank(r).withLoraAlpha(alpha)
                .withTargetModules(targetModules).withTaskType("CAUSAL_LM").withInferenceMode(true);
    }

    /** PEFT's scale on B·A: alpha/r, or alpha/√r with rsLoRA (rank_pattern/alpha_pattern not applied). */
    public double scaling() {
        return use_rslora ? lora_alpha / Math.sqrt(r) : lora_alpha / r;
    }

    /** Target module names, or PEFT's LLaMA default when null; a regex target cannot be listed. */
    @SuppressWarnings("unchecked")
    public List<String> targetModuleNames() {
        if (target_modules == null) {
            return LLAMA_DEFAULT_TARGETS;
        }
        if (target_modules instanceof String regex) {
            throw new IllegalStateException("target_modules is the regex '" + regex + "', not a list of names");
        }
        return (List<String>) target_modules;
    }

    public AdapterConfig withRank(int value) {
        return new AdapterConfig(alpha_pattern, auto_mapping, base_model_name_or_path, bias, fan_in_fan_out,
                inference_mode, init_lora_weights, layer_replication, layers_pattern, layers_to_transform, loftq_config,
                lora_alpha, lora_dropout, megatron_config, megatron_core, modules_to_save, peft_type, value,
                rank_pattern, revision, target_modules, task_type, use_dora, use_rslora);
    }

    public AdapterConfig withLoraAlpha(double value) {
        return new AdapterConfig(alpha_pattern, auto_mapping, base_model_name_or_path, bias, fan_in_fan_out,
                inference_mode, init_lora_weights, layer_replication, layers_pattern, layers_to_transform, loftq_config,
                value, lora_dropout, megatron_config, megatron_core, modules_to_save, peft_type, r,
                rank_pattern, revision, target_modules, task_type, use_dora, use_rslora);
    }

    public AdapterConfig withLoraDropout(double value) {
        return new AdapterConfig(alpha_pattern, auto_mapping, base_model_name_or_path, bias, fan_in_fan_out,
                inference_mode, init_lora_weights, layer_replication, layers_pattern, layers_to_transform, loftq_config,
                lora_alpha, value, megatron_config, megatron_core, modules_to_save, peft_type, r,
                rank_pattern, revision, target_modules, task_type, use_dora, use_rslora);
    }

    public AdapterConfig withBaseModel(String value) {
        return new AdapterConfig(alpha_pattern, auto_mapping, value, bias, fan_in_fan_out,
                inference_mode, init_lora_weights, layer_replication, layers_pattern, layers_to_transform, loftq_config,
                lora_alpha, lora_dropout, megatron_config, megatron_core, modules_to_save, peft_type, r,
                rank_pattern, revision, target_modules, task_type, use_dora, use_rslora);
    }

    public AdapterConfig withTargetModules(List<String> value) {
        return new AdapterConfig(alpha_pattern, auto_mapping, base_model_name_or_path, bias, fan_in_fan_out,
                inference_mode, init_lora_weights, layer_replication, layers_pattern, layers_to_transform, loftq_config,
                lora_alpha, lora_dropout, megatron_config, megatron_core, modules_to_save, peft_type, r,
                rank_pattern, revision, value, task_type, use_dora, use_rslora);
    }

    public AdapterConfig withTaskType(String value) {
        return new AdapterConfig(alpha_pattern, auto_mapping, base_model_name_or_path, bias, fan_in_fan_out,
                inference_mode, init_lora_weights, layer_replication, layers_pattern, layers_to_transform, loftq_config,
                lora_alpha, lora_dropout, megatron_config, megatron_core, modules_to_save, peft_type, r,
                rank_pattern, revision, target_modules, value, use_dora, use_rslora);
    }

    public AdapterConfig withInferenceMode(boolean value) {
        return new AdapterConfig(alpha_pattern, auto_mapping, base_model_name_or_path, bias, fan_in_fan_out,
                value, init_lora_weights, layer_replication, layers_pattern, layers_to_transform, loftq_config,
                lora_alpha, lora_dropout, megatron_config, megatron_core, modules_to_save, peft_type, r,
                rank_pattern, revision, target_modules, task_type, use_dora, use_rslora);
    }

    public AdapterConfig withUseRslora(boolean value) {
        return new AdapterConfig(alpha_pattern, auto_mapping, base_model_name_or_path, bias, fan_in_fan_out,
                inference_mode, init_lora_weights, layer_replication, layers_pattern, layers_to_transform, loftq_config,
                lora_alpha, lora_dropout, megatron_config, megatron_core, modules_to_save, peft_type, r,
                rank_pattern, revision, target_modules, task_type, use_dora, value);
    }

    private static Map<String, Object> copy(Map<String, Object> m) {
        // LinkedHashMap, not Map.copyOf: JSON values may legitimately be null
        return m == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
