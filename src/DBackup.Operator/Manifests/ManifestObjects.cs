using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Objects;

namespace DBackup.Operator.Manifests;

/// <summary>Turns loaded manifests into identified backup objects, the offline way.</summary>
internal static partial class ManifestObjects
{
    /// <summary>
    /// Identifies a manifest: apiVersion/kind give the resource (with <paramref name="names"/>), a
    /// namespaced object without <c>metadata.namespace</c> gets <paramref name="defaultNamespace"/>
    /// (written into the object too), a cluster-scoped one loses any namespace it carries.
    /// Returns the ref and the normalized object (a copy).
    /// </summary>
    /// <exception cref="ManifestException">apiVersion, kind or metadata.name is missing or invalid.</exception>
    public static (ObjectRef Ref, JsonObject Object) Identify(ManifestDocument doc, ResourceNames names, string component, string defaultNamespace)
    {
        var obj = (JsonObject)doc.Object.DeepClone();
        var apiVersion = RequiredString(doc, obj["apiVersion"], "apiVersion");
        var kind = RequiredString(doc, obj["kind"], "kind");
        if (obj["metadata"] is not JsonObject meta)
        {
            throw new ManifestException($"{doc.Location}: {kind} has no metadata");
        }

        var name = RequiredString(doc, meta["name"], "metadata.name");
        if (!IsSafeName(name))
        {
            throw new ManifestException($"{doc.Location}: {kind} name '{Printable(name)}' is not a valid object name");
        }

        ResourceName resource;
        try
        {
            resource = names.Resolve(apiVersion, kind);
        }
        catch (ArgumentException ex)
        {
            throw new ManifestException($"{doc.Location}: {ex.Message}", ex);
        }

        string? ns = null;
        if (resource.Scope == ResourceScope.Namespaced)
        {
            ns = meta["namespace"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? (string?)v : null;
            ns = string.IsNullOrEmpty(ns) ? defaultNamespace : ns;
            if (!IsDnsLabel(ns))
            {
                throw new ManifestException($"{doc.Location}: namespace '{Printable(ns)}' of {kind} {name} is not a valid namespace name");
            }

            meta["namespace"] = ns;
        }
        else
        {
            meta.Remove("namespace");
        }

        var objectRef = new ObjectRef(component, resource.Group, resource.Version, resource.Resource, kind, ns, name);
        return (objectRef, obj);
    }

    /// <summary>Whether a name is safe as a single path segment and plausible as a Kubernetes name.</summary>
    public static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 253 && name is not "." and not ".." && SafeName().IsMatch(name);

    /// <summary>Whether the text is an RFC 1123 label (namespaces, policy names).</summary>
    public static bool IsDnsLabel(string text) => DnsLabel().IsMatch(text);

    /// <summary>Turns any folder name into a DNS label usable as a policy name.</summary>
    public static string ToDnsLabel(string text)
    {
        var lowered = Regex.Replace(text.ToLowerInvariant(), "[^a-z0-9-]+", "-");
        lowered = Regex.Replace(lowered, "-{2,}", "-").Trim('-');
        if (lowered.Length > 40)
        {
            // Leave room for the timestamp suffix that BackupName appends.
            lowered = lowered[..40].TrimEnd('-');
        }

        return lowered.Length == 0 ? "pack" : lowered;
    }

    /// <summary>A name shown in a message, with control characters made visible.</summary>
    public static string Printable(string text) =>
        new(text.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray());

    private static string RequiredString(ManifestDocument doc, JsonNode? node, string field)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String && (string?)value is { Length: > 0 } text)
        {
            return text;
        }

        throw new ManifestException($"{doc.Location}: the object has no {field}");
    }

    // Names of most kinds are DNS subdomains; RBAC and a few others also allow ':' and upper case.
    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9._:@-]*[A-Za-z0-9])?$")]
    private static partial Regex SafeName();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}
