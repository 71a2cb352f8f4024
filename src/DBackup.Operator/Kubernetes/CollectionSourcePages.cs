using System.Buffers;
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

    /// <summary>
    /// Cleans the items of a list page in one forward pass over its bytes: no document is built, and each item goes
    /// straight through <see cref="ListItemCleaner"/>. <paramref name="onContinue"/> is called once with
    /// <c>metadata.continue</c> (null on the last page) as soon as the pass has read it — before the items when the
    /// server sends metadata first, as the API server does — so the caller can request the next page while this one is
    /// cleaned. Skipped and redacted items are counted in <paramref name="stats"/>.
    /// </summary>
    /// <exception cref="JsonException">The page is not a JSON object, or an item is not one.</exception>
    public static List<BackupObject> Clean(ReadOnlySpan<byte> page, ListScope scope, bool includeSecrets, CollectionStats stats, Action<string?> onContinue)
    {
        var kept = new List<BackupObject>();
        var continued = false;
        var reader = new Utf8JsonReader(page);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"the list of {scope.Resource.Resource} is not a JSON object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("items"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    CleanItems(ref reader, scope, includeSecrets, stats, kept);
                }
                else
                {
                    reader.Skip(); // null: an empty list
                }
            }
            else if (reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                var token = ReadContinue(ref reader);
                if (!continued)
                {
                    continued = true;
                    onContinue(token);
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (!continued)
        {
            onContinue(null);
        }

        return kept;
    }

    private static void CleanItems(ref Utf8JsonReader reader, ListScope scope, bool includeSecrets, CollectionStats stats, List<BackupObject> kept)
    {
        var resource = scope.Resource;
        var options = new ListItemCleanOptions(resource.ApiVersion, resource.Kind) { RedactSecrets = !includeSecrets, WatchedLabel = SkipRules.ExcludeLabel };
        var viaNodes = !ListItemCleaner.Handles(resource.ApiVersion, resource.Kind);
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using var writer = new Utf8JsonWriter(buffer);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            string? name, ns, skip;
            bool redacted;
            byte[] json;
            if (viaNodes)
            {
                var item = JsonNode.Parse(ref reader) ?? throw new JsonException($"an item of the list of {resource.Resource} is null");
                (json, name, ns, skip, redacted) = CleanWithNodes(item, resource, scope.Source.IncludeControllerOwned, includeSecrets);
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
    }

    // The reader is on the value of "metadata"; leaves it on that value's last token.
    private static string? ReadContinue(ref Utf8JsonReader reader)
    {
        string? token = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isContinue = reader.ValueTextEquals("continue"u8);
            reader.Read();
            if (isContinue && reader.TokenType == JsonTokenType.String)
            {
                token = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return string.IsNullOrEmpty(token) ? null : token;
    }

    /// <summary>The DOM path, for the kinds <see cref="ListItemCleaner"/> leaves to <see cref="ObjectCleaner"/>.</summary>
    private static (byte[] Json, string? Name, string? Namespace, string? Skip, bool Redacted) CleanWithNodes(
        JsonNode node, ApiResource resource, bool includeControllerOwned, bool includeSecrets)
    {
        var item = node.AsObject();
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
