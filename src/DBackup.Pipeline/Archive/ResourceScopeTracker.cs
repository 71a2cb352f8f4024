using System.Text.Json;
using DBackup.Pipeline.Objects;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// Checks, during one pass, that each object's kind and scope agree with what the manifest established for its
/// resource (<see cref="ResourceFacts"/>) and with the built-in table, and, at the end, with the
/// CustomResourceDefinitions found in the same backup. Memory grows with the number of resources and CRDs.
/// </summary>
internal sealed class ResourceScopeTracker(IReadOnlyDictionary<string, ResourceFacts> facts)
{
    private const string CrdGroup = "apiextensions.k8s.io";
    private const string CrdResource = "customresourcedefinitions";

    private readonly Dictionary<string, string> _seenKinds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Kind, ResourceScope Scope, string Path)> _crds = new(StringComparer.Ordinal);

    /// <summary>Checks one object read from <paramref name="shown"/> (a printable path).</summary>
    /// <exception cref="InvalidBackupException">Its kind or scope contradicts its resource.</exception>
    public void Check(ObjectRef r, ReadOnlySpan<byte> json, string shown)
    {
        var key = ManifestDigest.ResourceKey(r.Group.Length == 0 ? ObjectRef.CoreGroupFolder : r.Group, r.Resource);
        var resource = facts[key];
        var expected = resource.Kind ?? _seenKinds.GetValueOrDefault(key);
        if (expected is not null && r.Kind != expected)
        {
            throw new InvalidBackupException(
                $"archive entry '{shown}' is a {r.Kind}, but its resource {ResourceScopeRules.Qualified(r.Group, r.Resource)} holds {expected} objects");
        }

        _seenKinds[key] = r.Kind;
        var scope = r.Namespace is null ? ResourceScope.Cluster : ResourceScope.Namespaced;
        if (ResourceScopeRules.AgainstBuiltIns(r.Group, r.Resource, r.Kind, scope) is { } problem)
        {
            throw new InvalidBackupException($"archive entry '{shown}' is stored {ManifestDigest.Describe(scope)}, but {problem}");
        }

        if (r.Group == CrdGroup && r.Resource == CrdResource)
        {
            AddCrd(r, json, shown);
        }
    }

    /// <summary>After the last entry: every resource a CRD of this backup defines is stored as the CRD says.</summary>
    /// <exception cref="InvalidBackupException">It is not.</exception>
    public void Finish()
    {
        foreach (var (key, crd) in _crds)
        {
            if (!facts.TryGetValue(key, out var resource))
            {
                continue;
            }

            var kind = resource.Kind ?? _seenKinds.GetValueOrDefault(key);
            if (resource.Scope != crd.Scope || (kind is not null && kind != crd.Kind))
            {
                throw new InvalidBackupException(
                    $"archive entry '{crd.Path}' defines {ResourceScopeRules.Qualified(resource.Group, resource.Resource)} as {ManifestDigest.Describe(crd.Scope)} " +
                    $"{crd.Kind}, but the backup stores {kind ?? "its"} objects {ManifestDigest.Describe(resource.Scope)}");
            }
        }
    }

    private void AddCrd(ObjectRef r, ReadOnlySpan<byte> json, string shown)
    {
        // Already checked as strict JSON; only the CRD's names and scope are read here.
        var reader = new Utf8JsonReader(json, StrictJson.ReaderOptions);
        using var document = JsonDocument.ParseValue(ref reader);
        var spec = document.RootElement.TryGetProperty("spec", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
        var names = spec.ValueKind == JsonValueKind.Object && spec.TryGetProperty("names", out var n) && n.ValueKind == JsonValueKind.Object ? n : default;
        var group = StringOf(spec, "group");
        var plural = StringOf(names, "plural");
        var kind = StringOf(names, "kind");
        ResourceScope? scope = StringOf(spec, "scope") switch
        {
            "Namespaced" => ResourceScope.Namespaced,
            "Cluster" => ResourceScope.Cluster,
            _ => null,
        };
        if (group is null || plural is null || kind is null || scope is null)
        {
            throw new InvalidBackupException($"archive entry '{shown}' is a CustomResourceDefinition without spec.group, spec.names.plural, spec.names.kind or a valid spec.scope");
        }

        // kube-apiserver requires the name <plural>.<group> (apiextensions validation).
        if (r.Name != $"{plural}.{group}")
        {
            throw new InvalidBackupException($"archive entry '{shown}' is a CustomResourceDefinition named '{r.Name}' for {plural}.{group}; the name must be {plural}.{group}");
        }

        var key = ManifestDigest.ResourceKey(group.Length == 0 ? ObjectRef.CoreGroupFolder : group, plural);
        if (_crds.TryGetValue(key, out var earlier) && (earlier.Kind != kind || earlier.Scope != scope))
        {
            throw new InvalidBackupException($"archive entries '{earlier.Path}' and '{shown}' define {plural}.{group} differently");
        }

        _crds[key] = (kind, scope.Value, shown);
    }

    private static string? StringOf(JsonElement parent, string property) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
