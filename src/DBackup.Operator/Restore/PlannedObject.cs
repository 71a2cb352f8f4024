using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.Operator.Kubernetes;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Restore;

namespace DBackup.Operator.Restore;

/// <summary>
/// One object of a restore plan: where it goes, the body to write (kept as UTF-8 JSON, parsed only while it is
/// worked on, so a 10,000-object plan stays small), the live object it meets, and the decided action.
/// </summary>
internal sealed class PlannedObject(ObjectRef source, ApiResource resource, string? ns, string name, byte[] body, bool implicitNamespace = false)
{
    /// <summary>The object's identity in the backup (component, original namespace).</summary>
    public ObjectRef Source { get; } = source;

    /// <summary>The resource it is written to.</summary>
    public ApiResource Resource { get; } = resource;

    /// <summary>Target namespace after mapping; null for cluster-scoped.</summary>
    public string? Namespace { get; } = ns;

    /// <summary>Target name.</summary>
    public string Name { get; } = name;

    /// <summary>The cleaned, mapped object to write, as UTF-8 JSON.</summary>
    public byte[] Body { get; } = body;

    /// <summary>A Namespace the restore creates because objects go into it, not one from the backup.</summary>
    public bool ImplicitNamespace { get; } = implicitNamespace;

    /// <summary>Dependency rank: lower ranks are written (and CRDs established) first.</summary>
    public int Rank { get; } = RestoreOrder.Rank(resource.Group, resource.Resource);

    /// <summary>The live object as read while planning (UTF-8 JSON), or null when it does not exist.</summary>
    public byte[]? Live { get; set; }

    /// <summary>The decided (then actual) action.</summary>
    public RestoreAction Action { get; set; }

    /// <summary>Reason or note for the action.</summary>
    public string? Reason { get; set; }

    /// <summary>Whether the body is a Secret from a redacted backup.</summary>
    public bool Redacted { get; set; }

    /// <summary>Whether it is written to core <c>secrets</c>.</summary>
    public bool IsSecret => Resource is { Group.Length: 0, Resource: "secrets" };

    /// <summary>The collection URL path.</summary>
    public string CollectionPath => Resource.CollectionPath(Namespace);

    /// <summary>The object's URL path.</summary>
    public string ItemPath => $"{CollectionPath}/{Uri.EscapeDataString(Name)}";

    /// <summary>A fresh parse of the body.</summary>
    public JsonObject ParseBody() => JsonNode.Parse(Body)!.AsObject();

    /// <summary>A fresh parse of the live object, or null.</summary>
    public JsonObject? ParseLive() => Live is null ? null : JsonNode.Parse(Live)!.AsObject();

    /// <summary>The live object's resourceVersion, which an update must carry.</summary>
    public string? LiveResourceVersion()
    {
        if (Live is null)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(Live);
        return doc.RootElement.TryGetProperty("metadata", out var m) && m.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() : null;
    }

    /// <summary>Whether <see cref="Set"/> has decided the action.</summary>
    public bool Decided { get; private set; }

    /// <summary>Sets the action and reason; Secret values are scrubbed from the reason.</summary>
    public void Set(RestoreAction action, string? reason)
    {
        Decided = true;
        Action = action;
        Reason = reason is null || !IsSecret
            ? reason
            : SecretScrubber.Scrub(SecretScrubber.Scrub(reason, ParseBody()), ParseLive());
    }

    /// <summary>The result line.</summary>
    public RestoreItemResult ToResult() => new(Resource.QualifiedName, Namespace, Name, Action, Reason);
}
