"""The few ONNX TensorProto fields the reference cases use (dims, data_type,
name, raw_data, float_data, int64_data), read without the onnx package."""
import struct

FLOAT, INT64 = 1, 7


def _varint(buf, pos):
    value, shift = 0, 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def read(path):
    """(name, dims, values) of the TensorProto in the file at path."""
    buf = open(path, "rb").read()
    pos, name, dims, dtype, raw, floats, ints = 0, "", [], None, None, [], []
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
            if field == 1:
                dims.append(value)
            elif field == 2:
                dtype = value
            elif field == 7:
                ints.append(value)
        elif wire == 2:
            length, pos = _varint(buf, pos)
            chunk, pos = buf[pos:pos + length], pos + length
            if field == 1 or field == 7:
                p, packed = 0, []
                while p < len(chunk):
                    v, p = _varint(chunk, p)
                    packed.append(v)
                (dims if field == 1 else ints).extend(packed)
            elif field == 4:
                floats.extend(struct.unpack(f"<{len(chunk) // 4}f", chunk))
            elif field == 8:
                name = chunk.decode()
            elif field == 9:
                raw = chunk
        elif wire == 5:
            pos += 4
        elif wire == 1:
            pos += 8
        else:
            raise ValueError(f"{path}: unsupported wire type {wire}")
    if raw is not None:
        fmt = "<%d%s" % (len(raw) // (4 if dtype == FLOAT else 8), "f" if dtype == FLOAT else "q")
        values = list(struct.unpack(fmt, raw))
    else:
        values = floats if dtype == FLOAT else [v - (1 << 64) if v >= 1 << 63 else v for v in ints]
    return name, dims, values
