#!/usr/bin/env python3
"""Expected kohya hashes for the file KohyaHashReferenceTest writes, computed independently.

Builds the same tensors (F16, values ((i * 37) % 201 - 100) / 64, exact in half precision) and the same ss_*
metadata, serialises them as safetensors does (tensors sorted by dtype then name, compact JSON header with
__metadata__ first, padded with spaces to 8 bytes) and applies sd-scripts' train_util hashing:
  sshs_model_hash  = sha256 of everything after the header
  sshs_legacy_hash = sha256 of bytes [0x100000, 0x110000) of the whole serialisation, first 8 hex digits
Run with Debian's python3 (numpy only): python3 make_sshs_reference.py > sshs_reference.json
"""
import hashlib
import json
import struct

import numpy as np

MODULES = [
    "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_ff_net_0_proj",
    "lora_unet_down_blocks_0_attentions_1_transformer_blocks_0_ff_net_0_proj",
    "lora_unet_mid_block_attentions_0_proj_in",
    "lora_te_text_model_encoder_layers_0_mlp_fc1",
    "lora_unet_up_blocks_3_attentions_2_transformer_blocks_0_ff_net_2",
    "lora_unet_up_blocks_1_attentions_0_transformer_blocks_0_ff_net_2",
]
SHAPES = {
    MODULES[0]: ([16, 1280], [10240, 16]),
    MODULES[1]: ([16, 1280], [10240, 16]),
    MODULES[2]: ([16, 1280, 1, 1], [1280, 16, 1, 1]),
    MODULES[3]: ([16, 768], [3072, 16]),
    MODULES[4]: ([16, 5120], [1280, 16]),
    MODULES[5]: ([16, 5120], [1280, 16]),
}
ALPHA = 8.0
METADATA = {
    "ss_output_name": "hash-check",
    "ss_network_dim": "16",
    "ss_network_alpha": "8.0",
    "ss_training_comment": "ünïcode comment, \"quoted\"",
    "ss_tag_frequency": json.dumps({"10_mychar": {"rain": 3, "neon lights": 2}}),
}


def values(n, salt):
    i = np.arange(n, dtype=np.int64) + salt
    return (((i * 37) % 201 - 100) / 64.0).astype(np.float16)


def tensors():
    out = {}
    for idx, m in enumerate(MODULES):
        down, up = SHAPES[m]
        out[m + ".lora_down.weight"] = (down, values(int(np.prod(down)), 1000 * idx))
        out[m + ".lora_up.weight"] = (up, values(int(np.prod(up)), 1000 * idx + 7))
        out[m + ".alpha"] = ([], np.array([ALPHA], dtype=np.float16))
    return out


def serialise(ts, metadata):
    names = sorted(ts)  # all F16: dtype ties, so name order
    header = {"__metadata__": metadata}
    offset = 0
    for name in names:
        shape, data = ts[name]
        n = data.nbytes
        header[name] = {"dtype": "F16", "shape": shape, "data_offsets": [offset, offset + n]}
        offset += n
    js = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    js += b" " * ((8 - len(js) % 8) % 8)
    body = b"".join(ts[name][1].astype("<f2").tobytes() for name in names)
    return struct.pack("<Q", len(js)) + js + body


def main():
    blob = serialise(tensors(), METADATA)
    n = struct.unpack("<Q", blob[:8])[0]
    model_hash = hashlib.sha256(blob[8 + n:]).hexdigest()
    legacy = hashlib.sha256(blob[0x100000:0x110000]).hexdigest()[:8]
    print(json.dumps({"header_length": n, "file_length": len(blob), "sshs_model_hash": model_hash,
                      "sshs_legacy_hash": legacy, "empty_legacy": hashlib.sha256(b"").hexdigest()[:8]}, indent=2))


if __name__ == "__main__":
    main()
