using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Store;

/// <summary>
/// One stored version of an object. The UTF-8 JSON is the source of truth and is never mutated,
/// so it can be shared by lists, watch streams and the history without copying.
/// </summary>
internal sealed class StoredObject
{
    private StoredObject(byte[] utf8, string ns, string name, string uid, long revision,
        IReadOnlyDictionary<string, string> labels, string[] ownerUids)
    {
        Utf8 = utf8; Namespace = ns; Name = name; Uid = uid; Revision = revision; Labels = labels; OwnerUids = ownerUids;
    }

    public byte[] Utf8 { get; }
    public string Namespace { get; }
    public string Name { get; }
    public string Uid { get; }
    public long Revision { get; }
    public IReadOnlyDictionary<string, string> Labels { get; }
    public string[] OwnerUids { get; }

    /// <summary>Key inside one resource: namespace and name, ordered like etcd keys.</summary>
    public string Key => KeyOf(Namespace, Name);

    public static string KeyOf(string ns, string name) => ns + "/" + name;

    /// <summary>A fresh, mutable copy of the JSON.</summary>
    public JsonObject ToJson() => (JsonObject)JsonNode.Parse(Utf8)!;

    /// <summary>Stamps <paramref name="revision"/> as metadata.resourceVersion and freezes the object.</summary>
    public static StoredObject Freeze(JsonObject obj, long revision)
    {
        var meta = obj["metadata"] as JsonObject ?? throw new InvalidOperationException("object without metadata");
        meta["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (meta["labels"] is JsonObject l)
        {
            foreach (var (k, v) in l) labels[k] = v?.GetValue<string>() ?? "";
        }
        var owners = meta["ownerReferences"] is JsonArray refs
            ? refs.Select(r => r?["uid"]?.GetValue<string>()).Where(u => u is not null).Select(u => u!).ToArray()
            : [];
        return new StoredObject(
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(obj),
            meta["namespace"]?.GetValue<string>() ?? "",
            meta["name"]?.GetValue<string>() ?? "",
            meta["uid"]?.GetValue<string>() ?? "",
            revision, labels, owners);
    }

    /// <summary>Same object, re-stamped with a newer revision (the deletion revision of a DELETED event).</summary>
    public StoredObject WithRevision(long revision) => Freeze(ToJson(), revision);
}
