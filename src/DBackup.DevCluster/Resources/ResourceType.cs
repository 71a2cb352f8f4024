using System.Text.Json.Nodes;
using DBackup.DevCluster.Schema;

namespace DBackup.DevCluster.Resources;

/// <summary>One served version of a resource: its schema, printer columns and subresources.</summary>
internal sealed record ResourceVersion(string Name, bool Storage, bool StatusSubresource, StructuralSchema? Schema = null, JsonObject? CrdVersion = null);

/// <summary>How metadata.name is validated for a resource (apimachinery name validators).</summary>
internal enum NameRule
{
    DnsSubdomain,
    DnsLabel,
    Dns1035Label,
    PathSegment,
}

/// <summary>
/// A resource (group + plural) and everything the server needs to serve it. Versions of one resource share
/// storage; custom resources convert between versions by rewriting apiVersion only (conversion strategy None).
/// </summary>
internal sealed class ResourceType
{
    public required string Group { get; init; }
    public required string Plural { get; init; }
    public required string Singular { get; init; }
    public required string Kind { get; init; }
    public string ListKind => Kind + "List";
    public required bool Namespaced { get; init; }
    public string[] ShortNames { get; init; } = [];
    public string[] Categories { get; init; } = [];
    public required IReadOnlyList<ResourceVersion> Versions { get; init; }
    /// <summary>metadata.generation is maintained (starts at 1, bumps on non-metadata/status changes).</summary>
    public bool HasGeneration { get; init; }
    public bool IsCustom { get; init; }
    public NameRule NameRule { get; init; } = NameRule.DnsSubdomain;
    /// <summary>PUT without metadata.resourceVersion is allowed (false for custom resources).</summary>
    public bool AllowUnconditionalUpdate { get; init; } = true;
    /// <summary>DELETE answers with the object rather than a Success Status (registry ReturnDeletedObject).</summary>
    public bool ReturnDeletedObject { get; init; }
    public ResourceBehavior Behavior { get; init; } = ResourceBehavior.None;
    /// <summary>Extra fieldSelector fields (beyond metadata.name/namespace) mapped to dotted JSON paths.</summary>
    public IReadOnlyDictionary<string, string> SelectableFields { get; init; } = new Dictionary<string, string>();

    /// <summary>Discovery verbs when not the full set (create-only reviews).</summary>
    public string[]? Verbs { get; init; }

    /// <summary>For review resources: computes the status of a created review, which is never stored.</summary>
    public Func<System.Text.Json.Nodes.JsonObject, System.Text.Json.Nodes.JsonObject>? Answer { get; init; }

    /// <summary>The /scale subresource, when the resource has one.</summary>
    public ScalePaths? Scale { get; init; }

    /// <summary>The namespaces-only /finalize subresource (PUT replaces spec.finalizers) is served.</summary>
    public bool HasFinalize { get; init; }

    /// <summary>For custom resources: the CRD's name, to refuse writes while it terminates.</summary>
    public string? CrdName { get; init; }

    /// <summary>The storage key shared by all versions.</summary>
    public string Key => Group + "/" + Plural;

    public string StorageVersion => Versions.First(v => v.Storage).Name;

    public string ApiVersion(string version) => Group.Length == 0 ? version : $"{Group}/{version}";

    public ResourceVersion? Version(string version) => Versions.FirstOrDefault(v => v.Name == version);

    public bool HasStatus(string version) => Version(version)?.StatusSubresource ?? false;
}
