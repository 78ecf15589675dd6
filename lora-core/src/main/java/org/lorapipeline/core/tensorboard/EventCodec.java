package org.lorapipeline.core.tensorboard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Protobuf encoding of {@link Event} per TensorBoard's {@code compat/proto}: Event {1 wall_time double,
 * 2 step int64, 3 file_version, 5 summary}; Summary {1 value}; Value {1 tag, 2 simple_value float, 4 image,
 * 8 tensor, 9 metadata}; Image {1 height, 2 width, 3 colorspace, 4 encoded_image_string};
 * SummaryMetadata {1 plugin_data {1 plugin_name, 2 content}, 4 data_class}; TensorProto {1 dtype,
 * 2 tensor_shape, 5 float_val packed}.
 */
final class EventCodec {
    private static final int DT_FLOAT = 1;
    private static final int DATA_CLASS_SCALAR = 1;

    private EventCodec() {}

    static byte[] encode(Event e) {
        ProtoWriter w = new ProtoWriter().fixed64(1, e.wallTime());
        if (e.step() != 0) {
            w.varint(2, e.step());
        }
        if (e.fileVersion() != null) {
            w.string(3, e.fileVersion());
        }
        if (!e.values().isEmpty()) {
            ProtoWriter summary = new ProtoWriter();
            for (SummaryValue v : e.values()) {
                summary.message(1, encodeValue(v));
            }
            w.message(5, summary);
        }
        return w.toByteArray();
    }

    private static ProtoWriter encodeValue(SummaryValue v) {
        ProtoWriter w = new ProtoWriter().string(1, v.tag());
        if (v.simpleValue() != null) {
            w.fixed32(2, v.simpleValue());
        }
        if (v.image() != null) {
            SummaryImage i = v.image();
            w.message(4, new ProtoWriter().varint(1, i.height()).varint(2, i.width()).varint(3, i.colorspace())
                    .bytes(4, i.png()));
        }
        float[] t = v.tensorFloats();
        if (t != null) {
            // a scalar when one value: tensor_shape stays empty, as tf.make_tensor_proto writes it
            ProtoWriter shape = new ProtoWriter();
            if (t.length != 1) {
                shape.message(2, new ProtoWriter().varint(1, t.length)); // TensorShapeProto.dim {size}
            }
            w.message(8, new ProtoWriter().varint(1, DT_FLOAT).message(2, shape).packedFloats(5, t));
        }
        if (v.pluginName() != null) {
            ProtoWriter meta = new ProtoWriter().message(1, new ProtoWriter().string(1, v.pluginName()));
            if ("scalars".equals(v.pluginName())) {
                meta.varint(4, DATA_CLASS_SCALAR);
            }
            w.message(9, meta);
        }
        return w;
    }

    static Event decode(byte[] data) {
        ProtoReader r = new ProtoReader(data);
        double wall = 0;
        long step = 0;
        String version = null;
        List<SummaryValue> values = new ArrayList<>();
        while (r.next()) {
            switch (r.field() * 8 + r.wireType()) {
                case 1 * 8 + 1 -> wall = r.fixed64AsDouble();
                case 2 * 8 -> step = r.varint();
                case 3 * 8 + 2 -> version = r.string();
                case 5 * 8 + 2 -> {
                    ProtoReader s = new ProtoReader(r.bytes());
                    while (s.next()) {
                        if (s.field() == 1 && s.wireType() == 2) {
                            values.add(decodeValue(s.bytes()));
                        } else {
                            s.skip();
                        }
                    }
                }
                default -> r.skip();
            }
        }
        return new Event(wall, step, version, values);
    }

    private static SummaryValue decodeValue(byte[] data) {
        ProtoReader r = new ProtoReader(data);
        String tag = "";
        Float simple = null;
        SummaryImage image = null;
        String plugin = null;
        float[] tensor = null;
        while (r.next()) {
            switch (r.field() * 8 + r.wireType()) {
                case 1 * 8 + 2 -> tag = r.string();
                case 2 * 8 + 5 -> simple = r.fixed32AsFloat();
                case 4 * 8 + 2 -> image = decodeImage(r.bytes());
                case 8 * 8 + 2 -> tensor = decodeFloatTensor(r.bytes());
                case 9 * 8 + 2 -> plugin = decodePluginName(r.bytes());
                default -> r.skip();
            }
        }
        return new SummaryValue(tag, simple, image, plugin, tensor);
    }

    private static SummaryImage decodeImage(byte[] data) {
        ProtoReader r = new ProtoReader(data);
        int h = 0;
        int w = 0;
        int cs = 0;
        byte[] png = new byte[0];
        while (r.next()) {
            switch (r.field() * 8 + r.wireType()) {
                case 1 * 8 -> h = (int) r.varint();
                case 2 * 8 -> w = (int) r.varint();
                case 3 * 8 -> cs = (int) r.varint();
                case 4 * 8 + 2 -> png = r.bytes();
                default -> r.skip();
            }
        }
        return new SummaryImage(h, w, cs, png);
    }

    /** float_val, packed or not; other dtypes give null. */
    private static float[] decodeFloatTensor(byte[] data) {
        ProtoReader r = new ProtoReader(data);
        List<Float> vals = new ArrayList<>();
        long dtype = 0;
        while (r.next()) {
            if (r.field() == 1 && r.wireType() == 0) {
                dtype = r.varint();
            } else if (r.field() == 5 && r.wireType() == 5) {
                vals.add(r.fixed32AsFloat());
            } else if (r.field() == 5 && r.wireType() == 2) {
                ByteBuffer b = ByteBuffer.wrap(r.bytes()).order(ByteOrder.LITTLE_ENDIAN);
                while (b.remaining() >= 4) {
                    vals.add(b.getFloat());
                }
            } else {
                r.skip();
            }
        }
        if (dtype != DT_FLOAT) {
            return null;
        }
        float[] out = new float[vals.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = vals.get(i);
        }
        return out;
    }

    private static String decodePluginName(byte[] data) {
        ProtoReader r = new ProtoReader(data);
        while (r.next()) {
            if (r.field() == 1 && r.wireType() == 2) {
                ProtoReader p = new ProtoReader(r.bytes());
                while (p.next()) {
                    if (p.field() == 1 && p.wireType() == 2) {
                        return p.string();
                    }
                    p.skip();
                }
            } else {
                r.skip();
            }
        }
        return null;
    }
}
