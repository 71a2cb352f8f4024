using System.Text.Json.Nodes;
using DBackup.DevCluster.Http;

namespace DBackup.DevCluster.Resources;

/// <summary>
/// The fieldValidation query parameter for custom resources: Strict rejects unknown fields (400),
/// Warn (the default) reports them as Warning headers, Ignore drops them silently. Pruning happens either way.
/// </summary>
internal sealed class FieldCheck(string? mode)
{
    /// <summary>What writes from inside the server (controllers) use: prune silently.</summary>
    public static FieldCheck Silent => new("Ignore");

    public List<string> Warnings { get; } = [];

    public static FieldCheck Parse(string? mode) => mode switch
    {
        null or "" or "Warn" or "Strict" or "Ignore" => new FieldCheck(mode),
        _ => throw ApiErrors.BadRequest($"fieldValidation: Unsupported value: \"{mode}\": supported values: \"Ignore\", \"Strict\", \"Warn\""),
    };

    /// <summary>Reports unknown fields per the mode, then prunes those of built-in layouts and ObjectMeta (schemas prune the rest later).</summary>
    public void Check(ResourceType rt, string version, JsonObject obj, bool patch)
    {
        var unknown = rt.Version(version)?.Schema is { } schema ? schema.UnknownFields(obj).ToList() : [];
        unknown.AddRange(BuiltInShapes.Prune(rt, obj));
        unknown = unknown.Distinct().Order(StringComparer.Ordinal).ToList();
        if (mode == "Ignore" || unknown.Count == 0) return;
        var list = string.Join(", ", unknown.Select(u => $"unknown field \"{u}\""));
        if (mode == "Strict")
        {
            throw ApiErrors.BadRequest(patch
                ? $"strict decoding error: {list}"
                : $"{rt.Kind} in version \"{version}\" cannot be handled as a {rt.Kind}: strict decoding error: {list}");
        }
        Warnings.AddRange(unknown.Select(u => $"unknown field \"{u}\""));
    }
}
