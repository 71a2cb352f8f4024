using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Objects;

namespace DBackup.Operator.Kubernetes;

/// <summary>One LIST of a collection: a resource of a source, in one namespace or (null) across all.</summary>
internal sealed record ListScope(CollectionSource Source, ApiResource Resource, string? Namespace);

/// <summary>
/// Turns one LIST response page into backup objects: each item is cleaned (and redacted) by
/// <see cref="ListItemCleaner"/> straight from the response bytes, in one pass, and the skip rules are applied to what
/// that pass read. Services, whose cleaning needs a field that may come late, go through <see cref="ObjectCleaner"/>.
/// </summary>
internal static class CollectionSourcePages
{
    /// <summary><c>metadata.continue</c> of a list page, or null on the last page.</summary>
    public static string? ContinueToken(JsonDocument page) =>
        page.RootElement.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object
        && meta.TryGetProperty("continue", out var c) && c.ValueKind == JsonValueKind.String && c.GetString() is { Length: > 0 } token
            ? token
            : null;

    /// <summary>The <c>metadata.name</c> of every item of a list page.</summary>
    public static IEnumerable<string> Names(JsonDocument page) =>
        Items(page).EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()!);

    /// <summary>Cleans the items of a page; skipped and redacted items are counted in <paramref name="stats"/>.</summary>
    /// <exception cref="JsonException">An item is not a JSON object.</exception>
    public static List<BackupObject> Clean(JsonDocument page, ListScope scope, bool includeSecrets, CollectionStats stats)
    {
        var resource = scope.Resource;
        var items = Items(page);
        var kept = new List<BackupObject>(items.ValueKind == JsonValueKind.Array ? items.GetArrayLength() : 0);
        if (items.ValueKind != JsonValueKind.Array)
        {
            return kept;
        }

        var options = new ListItemCleanOptions(resource.ApiVersion, resource.Kind) { RedactSecrets = !includeSecrets, WatchedLabel = SkipRules.ExcludeLabel };
        var viaNodes = !ListItemCleaner.Handles(resource.ApiVersion, resource.Kind);
        var raw = JsonMarshal.GetRawUtf8Value(items);
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using var writer = new Utf8JsonWriter(buffer);
        var reader = new Utf8JsonReader(raw);
        reader.Read();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            string? name, ns, skip;
            bool redacted;
            byte[] json;
            if (viaNodes)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                (json, name, ns, skip, redacted) = CleanWithNodes(raw[start..(int)reader.BytesConsumed], resource, scope.Source.IncludeControllerOwned, includeSecrets);
            }
            else
            {
                buffer.ResetWrittenCount();
                writer.Reset(buffer);
                var facts = ListItemCleaner.Clean(ref reader, writer, options);
                writer.Flush();
                (name, ns, redacted) = (facts.Name, facts.Namespace, facts.Redacted);
                skip = SkipRules.Reason(resource, facts, scope.Source.IncludeControllerOwned);
                json = skip is null ? buffer.WrittenSpan.ToArray() : [];
            }

            if (skip is not null)
            {
                stats.Skipped(resource, skip);
                continue;
            }

            if (redacted)
            {
                stats.Redacted++;
            }

            var reference = new ObjectRef(scope.Source.Component, resource.Group, resource.Version, resource.Resource, resource.Kind,
                resource.Namespaced ? ns : null, name ?? string.Empty);
            stats.Collected(resource);
            kept.Add(new BackupObject(reference, json));
        }

        return kept;
    }

    /// <summary>The DOM path, for the kinds <see cref="ListItemCleaner"/> leaves to <see cref="ObjectCleaner"/>.</summary>
    private static (byte[] Json, string? Name, string? Namespace, string? Skip, bool Redacted) CleanWithNodes(
        ReadOnlySpan<byte> raw, ApiResource resource, bool includeControllerOwned, bool includeSecrets)
    {
        var item = JsonNode.Parse(raw)!.AsObject();
        item["apiVersion"] = resource.ApiVersion;
        item["kind"] = resource.Kind;
        var skip = SkipRules.Reason(resource, item, includeControllerOwned);
        var cleaned = ObjectCleaner.Clean(item);
        var redacted = !includeSecrets && SecretRedactor.IsSecret(cleaned);
        if (redacted)
        {
            cleaned = SecretRedactor.Redact(cleaned);
        }

        var meta = cleaned["metadata"] as JsonObject;
        return (skip is null ? JsonSerializer.SerializeToUtf8Bytes(cleaned) : [], ObjectFields.StringOf(meta?["name"]), ObjectFields.StringOf(meta?["namespace"]), skip, redacted);
    }

    private static JsonElement Items(JsonDocument page) =>
        page.RootElement.ValueKind == JsonValueKind.Object && page.RootElement.TryGetProperty("items", out var items) ? items : default;
}
