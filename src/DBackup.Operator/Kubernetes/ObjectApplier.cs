using System.Text.Json.Nodes;
using DBackup.Operator.Entities;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Objects;

namespace DBackup.Operator.Kubernetes;

/// <summary>How to apply verified backup objects.</summary>
public sealed record ApplyOptions
{
    /// <summary>Merge keeps existing objects; Overwrite replaces them.</summary>
    public RestoreMode Mode { get; init; } = RestoreMode.Merge;

    /// <summary>Namespace renames: objects of <c>from</c> go to <c>to</c>, and the namespace itself is renamed.</summary>
    public IReadOnlyDictionary<string, string> NamespaceMapping { get; init; } = new Dictionary<string, string>();
}

/// <summary>What happened to one object.</summary>
/// <param name="Resource">Qualified resource name.</param>
/// <param name="Namespace">Target namespace, or null when cluster-scoped.</param>
/// <param name="Name">Object name.</param>
/// <param name="Action"><c>create</c>, <c>update</c>, <c>unchanged</c>, <c>skip</c> or <c>fail</c>.</param>
/// <param name="Reason">Why, for skips and failures; a note for creates that need attention.</param>
public sealed record ApplyOutcome(string Resource, string? Namespace, string Name, string Action, string? Reason);

/// <summary>
/// Writes verified backup objects into a cluster in dependency order, creating missing namespaces,
/// renaming namespaces as mapped, and reading every written object back to check that the server
/// kept what was sent. A redacted Secret never replaces an existing Secret's real values.
/// </summary>
public sealed class ObjectApplier(KubeApi api)
{
    /// <summary>Applies the objects; failures are reported per object and never stop the others.</summary>
    public async Task<IReadOnlyList<ApplyOutcome>> ApplyAsync(IEnumerable<BackupObject> objects, ApplyOptions options, CancellationToken cancellationToken)
    {
        var plan = objects
            .Select(o => (Ref: o.Ref, Body: Prepare(o, options)))
            .OrderBy(p => RestoreOrder.Rank(p.Ref.Group, p.Ref.Resource))
            .ThenBy(p => p.Ref.ArchivePath, StringComparer.Ordinal)
            .ToList();
        var outcomes = new List<ApplyOutcome>();
        var namespaces = plan.Select(p => TargetNamespace(p.Ref, options)).OfType<string>().Distinct().ToList();
        foreach (var ns in namespaces.Where(ns => !plan.Any(p => p.Ref.Resource == "namespaces" && p.Ref.Group.Length == 0 && Rename(p.Ref.Name, options) == ns)))
        {
            var nsObject = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } };
            var outcome = await ApplyOneAsync(NamespaceResource, null, ns, nsObject, options with { Mode = RestoreMode.Merge }, cancellationToken).ConfigureAwait(false);
            if (outcome.Action is "create" or "fail")
            {
                outcomes.Add(outcome);
            }
        }

        foreach (var (reference, body) in plan)
        {
            var resource = new ApiResource(reference.Group, reference.Version, reference.Resource, reference.Kind, reference.Namespace is not null, []);
            var name = body["metadata"]!["name"]!.GetValue<string>();
            outcomes.Add(await ApplyOneAsync(resource, TargetNamespace(reference, options), name, body, options, cancellationToken).ConfigureAwait(false));
        }

        return outcomes;
    }

    private static readonly ApiResource NamespaceResource = new(string.Empty, "v1", "namespaces", "Namespace", false, []);

    private async Task<ApplyOutcome> ApplyOneAsync(ApiResource resource, string? ns, string name, JsonObject body, ApplyOptions options, CancellationToken cancellationToken)
    {
        var collection = resource.CollectionPath(ns);
        var item = $"{collection}/{Uri.EscapeDataString(name)}";
        try
        {
            try
            {
                using var created = await api.PostAsync(collection, body, cancellationToken).ConfigureAwait(false);
                return await VerifyAsync(resource, ns, name, item, body, "create", CreateNote(body), cancellationToken).ConfigureAwait(false);
            }
            catch (KubeApiException e) when (e.StatusCode == 409 && e.Reason == "AlreadyExists")
            {
                using var existingDoc = await api.GetAsync(item, cancellationToken).ConfigureAwait(false);
                var existing = JsonNode.Parse(existingDoc.RootElement.GetRawText())!.AsObject();
                if (ObjectDiff.IsSubset(body, existing))
                {
                    return new ApplyOutcome(resource.QualifiedName, ns, name, "unchanged", null);
                }

                if (options.Mode == RestoreMode.Merge)
                {
                    return new ApplyOutcome(resource.QualifiedName, ns, name, "skip", "exists and differs; Merge mode keeps it");
                }

                if (SecretRedactor.IsRedacted(body))
                {
                    return new ApplyOutcome(resource.QualifiedName, ns, name, "skip", "the backup holds no Secret values (redacted); the existing Secret is kept");
                }

                body["metadata"]!["resourceVersion"] = existing["metadata"]!["resourceVersion"]!.DeepClone();
                using var replaced = await api.PutAsync(item, body, cancellationToken).ConfigureAwait(false);
                ((JsonObject)body["metadata"]!).Remove("resourceVersion");
                return await VerifyAsync(resource, ns, name, item, body, "update", ObjectDiff.Summary(existing, body), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (KubeApiException e)
        {
            return new ApplyOutcome(resource.QualifiedName, ns, name, "fail", e.Message);
        }
    }

    /// <summary>Reads the object back: every field sent must be stored as sent (server defaults may add more).</summary>
    private async Task<ApplyOutcome> VerifyAsync(ApiResource resource, string? ns, string name, string item, JsonObject sent, string action, string? note, CancellationToken cancellationToken)
    {
        using var stored = await api.GetAsync(item, cancellationToken).ConfigureAwait(false);
        var storedObject = JsonNode.Parse(stored.RootElement.GetRawText())!.AsObject();
        return ObjectDiff.IsSubset(sent, storedObject)
            ? new ApplyOutcome(resource.QualifiedName, ns, name, action, note)
            : new ApplyOutcome(resource.QualifiedName, ns, name, "fail", "read back differs from what was written: " + ObjectDiff.Summary(storedObject, sent));
    }

    private static string? CreateNote(JsonObject body) =>
        SecretRedactor.IsRedacted(body) ? "created with placeholder values (backup was redacted): set the real values" : null;

    private static JsonObject Prepare(BackupObject o, ApplyOptions options)
    {
        var body = ObjectCleaner.Clean(JsonNode.Parse(o.Json.Span)!.AsObject());
        var metadata = (JsonObject)(body["metadata"] ??= new JsonObject());
        if (o.Ref.Namespace is not null)
        {
            metadata["namespace"] = TargetNamespace(o.Ref, options);
        }
        else if (o.Ref.Group.Length == 0 && o.Ref.Resource == "namespaces")
        {
            metadata["name"] = Rename(o.Ref.Name, options);
        }

        return body;
    }

    private static string? TargetNamespace(ObjectRef reference, ApplyOptions options) =>
        reference.Namespace is null ? null : Rename(reference.Namespace, options);

    private static string Rename(string ns, ApplyOptions options) => options.NamespaceMapping.GetValueOrDefault(ns, ns);
}
