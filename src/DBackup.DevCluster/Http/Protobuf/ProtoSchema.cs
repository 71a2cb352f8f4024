namespace DBackup.DevCluster.Http.Protobuf;

/// <summary>How a protobuf field maps to JSON.</summary>
internal enum ProtoKind
{
    String,
    Bytes,
    Int,
    Bool,
    Message,
    MapString,
    MapBytes,
    Time,
    IntOrString,
    Quantity,
    MapQuantity,
}

/// <summary>One field of a k8s.io/api message (field numbers from the generated.proto files).</summary>
internal sealed record ProtoField(string Name, ProtoKind Kind, ProtoMessage? Message = null, bool Repeated = false, bool KeepZero = false);

/// <summary>A message type: its fields by number.</summary>
internal sealed class ProtoMessage(string name)
{
    public string Name { get; } = name;

    /// <summary>Skip every field (status blocks: the server resets them on create anyway).</summary>
    public bool IgnoreAll { get; init; }
    public Dictionary<int, ProtoField> Fields { get; } = [];

    public ProtoMessage F(int number, string field, ProtoKind kind = ProtoKind.String, ProtoMessage? message = null, bool repeated = false, bool keepZero = false)
    {
        Fields[number] = new ProtoField(field, kind, message, repeated, keepZero);
        return this;
    }

    public ProtoMessage M(int number, string field, ProtoMessage message, bool repeated = false) => F(number, field, ProtoKind.Message, message, repeated);
}
