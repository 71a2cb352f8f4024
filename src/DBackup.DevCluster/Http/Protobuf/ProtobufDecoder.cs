using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DBackup.DevCluster.Resources;

namespace DBackup.DevCluster.Http.Protobuf;

/// <summary>
/// Decodes a request body in the Kubernetes protobuf envelope ("k8s\0" + runtime.Unknown) into JSON, for the
/// kinds in <see cref="ProtoTypes.Kinds"/>. Zero-valued fields outside the modelled set are skipped (Go's
/// generated marshallers write every non-pointer field); anything else unknown answers 415.
/// </summary>
internal static class ProtobufDecoder
{
    public const string ContentType = "application/vnd.kubernetes.protobuf";
    private static readonly byte[] Magic = [0x6b, 0x38, 0x73, 0x00];

    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic)) throw ApiErrors.BadRequest("provided protobuf is not a Kubernetes object: missing the k8s envelope prefix");
        string apiVersion = "", kind = "";
        ReadOnlySpan<byte> raw = default;
        var reader = new ProtoReader(body[Magic.Length..]);
        while (!reader.End)
        {
            var number = reader.Next(out _, out _, out var bytes);
            if (number == 1)
            {
                var typeMeta = Message(bytes, ProtoTypes.TypeMeta);
                apiVersion = typeMeta.Str("apiVersion") ?? "";
                kind = typeMeta.Str("kind") ?? "";
            }
            else if (number == 2)
            {
                raw = bytes;
            }
        }
        if (!ProtoTypes.Kinds.TryGetValue($"{apiVersion}/{kind}", out var message))
            throw Unsupported($"protobuf is decoded for {string.Join(", ", ProtoTypes.Kinds.Keys)} only (got {apiVersion}/{kind}); send JSON instead");
        var obj = Message(raw, message);
        var result = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        foreach (var (k, v) in obj.ToList())
        {
            obj.Remove(k);
            result[k] = v;
        }
        return result;
    }

    private static JsonObject Message(ReadOnlySpan<byte> data, ProtoMessage type)
    {
        var obj = new JsonObject();
        var reader = new ProtoReader(data);
        while (!reader.End)
        {
            var number = reader.Next(out var wire, out var varint, out var bytes);
            if (!type.Fields.TryGetValue(number, out var field))
            {
                if (type.IgnoreAll || (wire == 0 && varint == 0) || (wire == 2 && bytes.Length == 0)) continue;
                throw Unsupported($"DevCluster does not decode protobuf field {number} of {type.Name}; send JSON instead");
            }
            var value = Value(field, wire, varint, bytes);
            if (field.Kind is ProtoKind.MapString or ProtoKind.MapBytes or ProtoKind.MapQuantity)
            {
                var entry = (JsonObject)value!;
                var map = obj[field.Name] as JsonObject ?? (JsonObject)(obj[field.Name] = new JsonObject());
                map[entry["k"]!.GetValue<string>()] = entry["v"]?.DeepClone() ?? (field.Kind == ProtoKind.MapString ? "" : "");
            }
            else if (field.Repeated)
            {
                var array = obj[field.Name] as JsonArray ?? (JsonArray)(obj[field.Name] = new JsonArray());
                array.Add(value);
            }
            else if (value is not null)
            {
                obj[field.Name] = value;
            }
        }
        return obj;
    }

    private static JsonNode? Value(ProtoField field, int wire, ulong varint, ReadOnlySpan<byte> bytes)
    {
        switch (field.Kind)
        {
            case ProtoKind.String:
                var s = Encoding.UTF8.GetString(bytes);
                return s.Length == 0 && !field.Repeated ? null : s;
            case ProtoKind.Bytes:
                return Convert.ToBase64String(bytes);
            case ProtoKind.Int:
                var n = unchecked((long)varint);
                return n == 0 && !field.KeepZero ? null : n;
            case ProtoKind.Bool:
                // Plain Go bools are always marshalled; only pointer bools (KeepZero) carry a meaningful false.
                return varint == 0 && !field.KeepZero ? null : varint != 0;
            case ProtoKind.Message:
                return Message(bytes, field.Message!);
            case ProtoKind.MapString:
            case ProtoKind.MapBytes:
            case ProtoKind.MapQuantity:
                return MapEntry(bytes, field.Kind);
            case ProtoKind.Time:
                var t = Message(bytes, new ProtoMessage("Time").F(1, "s", ProtoKind.Int).F(2, "n", ProtoKind.Int));
                var seconds = t["s"]?.GetValue<long>() ?? 0;
                return seconds == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            case ProtoKind.IntOrString:
                var ios = Message(bytes, new ProtoMessage("IntOrString").F(1, "type", ProtoKind.Int).F(2, "i", ProtoKind.Int, keepZero: true).F(3, "s"));
                return (ios["type"]?.GetValue<long>() ?? 0) == 1 ? ios["s"]?.GetValue<string>() ?? "" : ios["i"]?.GetValue<long>() ?? 0;
            default:
                var q = Message(bytes, new ProtoMessage("Quantity").F(1, "string"));
                return q["string"]?.GetValue<string>();
        }
    }

    private static JsonObject MapEntry(ReadOnlySpan<byte> bytes, ProtoKind kind)
    {
        var valueKind = kind switch { ProtoKind.MapBytes => ProtoKind.Bytes, ProtoKind.MapQuantity => ProtoKind.Quantity, _ => ProtoKind.String };
        var entry = new JsonObject { ["k"] = "" };
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            var number = reader.Next(out var wire, out var varint, out var data);
            if (number == 1) entry["k"] = Encoding.UTF8.GetString(data);
            else if (number == 2) entry["v"] = Value(new ProtoField("v", valueKind, Repeated: true), wire, varint, data);
        }
        entry["v"] ??= valueKind == ProtoKind.Bytes ? "" : "";
        return entry;
    }

    private static ApiException Unsupported(string why) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json; {why}");
}
