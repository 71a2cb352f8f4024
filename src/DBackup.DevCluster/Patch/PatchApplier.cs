using System.Text.Json;
using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Patch;

/// <summary>
/// Applies a PATCH request body to a stored object, dispatching on the request's Content-Type
/// like kube-apiserver's patch handler.
/// </summary>
/// <remarks>
/// Supported: <c>application/merge-patch+json</c> (RFC 7386), <c>application/json-patch+json</c>
/// (RFC 6902) and, for built-in kinds only, <c>application/strategic-merge-patch+json</c>.
/// Server-side apply (<c>application/apply-patch+yaml</c>) is not emulated: it answers 415, as
/// does strategic merge for custom resources (pass <c>null</c> keys), with the apiserver's
/// "unknown format" wording listing what is accepted.
/// </remarks>
internal static class PatchApplier
{
    public const string MergePatch = "application/merge-patch+json";
    public const string JsonPatch = "application/json-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";
    public const string ApplyPatch = "application/apply-patch+yaml";

    /// <summary>Returns the patched copy of <paramref name="original"/>; the original is not modified.</summary>
    /// <param name="original">The current object.</param>
    /// <param name="contentType">The request Content-Type; parameters such as <c>charset</c> are ignored.</param>
    /// <param name="body">The raw patch document.</param>
    /// <param name="strategicKeys">Patch metadata of the built-in kind, or null for custom resources.</param>
    /// <exception cref="PatchException">The patch type is unsupported (415), undecodable (400) or cannot be applied (422).</exception>
    public static JsonObject Apply(JsonObject original, string contentType, ReadOnlySpan<byte> body, StrategicMergeKeys? strategicKeys)
    {
        ArgumentNullException.ThrowIfNull(original);
        var mediaType = EnsureSupported(contentType, strategicKeys);
        var target = (JsonObject)original.DeepClone();
        JsonNode? result = mediaType switch
        {
            MergePatch => JsonMergePatch.Apply(target, Parse(body)),
            JsonPatch => JsonPatchDocument.Apply(target, Parse(body)),
            StrategicMergePatch when strategicKeys is not null => StrategicMergePatcher.Apply(target, ParseObject(body), strategicKeys),
            _ => throw Unsupported(strategicKeys is not null),
        };

        return result as JsonObject
            ?? throw PatchException.BadRequest("the patched document is not a JSON object");
    }

    /// <summary>
    /// The media type of <paramref name="contentType"/> (lower case, parameters dropped) when it is a patch type
    /// accepted for the resource: JSON and merge patches always, strategic merge only with <paramref name="strategicKeys"/>.
    /// </summary>
    /// <exception cref="PatchException">415 for any other Content-Type.</exception>
    public static string EnsureSupported(string? contentType, StrategicMergeKeys? strategicKeys)
    {
        var mediaType = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        return mediaType is MergePatch or JsonPatch || (mediaType == StrategicMergePatch && strategicKeys is not null)
            ? mediaType
            : throw Unsupported(strategicKeys is not null);
    }

    /// <summary>The 415 the apiserver sends for a patch Content-Type it does not accept.</summary>
    public static PatchException Unsupported(bool builtIn)
    {
        var accepted = builtIn ? new[] { JsonPatch, MergePatch, StrategicMergePatch } : new[] { JsonPatch, MergePatch };
        return new PatchException(415,
            "the body of the request was in an unknown format - accepted media types include: " + string.Join(", ", accepted));
    }

    internal static JsonNode? Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            throw PatchException.BadRequest("error decoding patch: " + e.Message);
        }
    }

    private static JsonObject ParseObject(ReadOnlySpan<byte> body) =>
        Parse(body) as JsonObject ?? throw PatchException.BadRequest("error decoding patch: a strategic merge patch must be a JSON object");
}
