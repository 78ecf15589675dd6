# Writes expected_adapter_config.json: the peft 0.13.2 key set (FORMATS section 4) serialized the way
# peft's PeftConfigMixin.save_pretrained does, json.dumps(d, indent=2, sort_keys=True), no trailing newline.
# Run with any python3 (standard library only); AdapterConfigTest compares the Java writer against it.
import json

d = {"alpha_pattern": {}, "auto_mapping": None, "base_model_name_or_path": "../hf", "bias": "none",
     "fan_in_fan_out": False, "inference_mode": True, "init_lora_weights": True, "layer_replication": None,
     "layers_pattern": None, "layers_to_transform": None, "loftq_config": {}, "lora_alpha": 8,
     "lora_dropout": 0.05, "megatron_config": None, "megatron_core": "megatron.core", "modules_to_save": None,
     "peft_type": "LORA", "r": 4, "rank_pattern": {"q_proj": 8}, "revision": None,
     "target_modules": ["q_proj", "v_proj"], "task_type": "CAUSAL_LM", "use_dora": False, "use_rslora": False}
with open("expected_adapter_config.json", "w") as f:
    f.write(json.dumps(d, indent=2, sort_keys=True))
