# Writes expected_record.hex: one TFRecord-framed TensorBoard Event, built from the published definitions
# only (protobuf wire format by hand; CRC-32C bit by bit from the reflected polynomial 0x82F63B78; TensorFlow's
# mask rule). Event: wall_time=1.0, step=5, summary { value { tag: "a", simple_value: 2.0 } }.
# Standard-library python3; TensorBoardTest compares the Java writer's bytes against it.
import struct

def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF

def mask(c):
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF

assert crc32c(b"123456789") == 0xE3069283

value = b"\x0a\x01a" + b"\x15" + struct.pack("<f", 2.0)           # Value{1: tag, 2: simple_value}
summary = b"\x0a" + bytes([len(value)]) + value                    # Summary{1: value}
event = b"\x09" + struct.pack("<d", 1.0) + b"\x10\x05" + b"\x2a" + bytes([len(summary)]) + summary
length = struct.pack("<Q", len(event))
record = length + struct.pack("<I", mask(crc32c(length))) + event + struct.pack("<I", mask(crc32c(event)))
with open("expected_record.hex", "w") as f:
    f.write(record.hex())
