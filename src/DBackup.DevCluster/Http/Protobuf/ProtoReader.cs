namespace DBackup.DevCluster.Http.Protobuf;

/// <summary>Reads protobuf wire format: varints, length-delimited fields and fixed-width fields.</summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _pos;

    public readonly bool End => _pos >= _data.Length;

    /// <summary>Reads the next field; returns its number, with its wire type and varint value or length-delimited payload.</summary>
    public int Next(out int wire, out ulong varint, out ReadOnlySpan<byte> bytes)
    {
        var key = ReadVarint();
        var number = (int)(key >> 3);
        wire = (int)(key & 7);
        varint = 0;
        bytes = default;
        switch (wire)
        {
            case 0:
                varint = ReadVarint();
                break;
            case 1:
                varint = BitConverter.ToUInt64(Take(8));
                break;
            case 2:
                bytes = Take(checked((int)ReadVarint()));
                break;
            case 5:
                varint = BitConverter.ToUInt32(Take(4));
                break;
            default:
                throw new FormatException($"unsupported protobuf wire type {wire} for field {number}");
        }
        return number;
    }

    private ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= _data.Length) throw new FormatException("truncated protobuf varint");
            var b = _data[_pos++];
            result |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new FormatException("malformed protobuf varint");
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length < 0 || _pos + length > _data.Length) throw new FormatException("truncated protobuf field");
        var slice = _data.Slice(_pos, length);
        _pos += length;
        return slice;
    }
}
