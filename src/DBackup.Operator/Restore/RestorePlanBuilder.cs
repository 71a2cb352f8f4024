using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.Operator.Kubernetes;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Objects;
using DBackup.Pipeline.Restore;

namespace DBackup.Operator.Restore;

/// <summary>
/// Turns verified backup objects into plan entries: selection filters, cleaning, namespace mapping, the
/// Namespaces objects need, the tenancy rule, and dependency order.
/// </summary>
internal static class RestorePlanBuilder
{
    private static readonly ApiResource NamespaceResource = new(string.Empty, "v1", "namespaces", "Namespace", false, []);

    /// <summary>Builds the ordered plan from the objects <see cref="PrepareIfSelected"/> kept.</summary>
    /// <exception cref="RestoreRefusedException">The selection writes outside <paramref name="allowedNamespace"/>.</exception>
    public static List<PlannedObject> Build(IEnumerable<PlannedObject?> prepared, string? allowedNamespace)
    {
        var plan = prepared.OfType<PlannedObject>().ToList();
        if (allowedNamespace is not null)
        {
            plan = ApplyTenancy(plan, allowedNamespace);
        }
        else
        {
            AddImplicitNamespaces(plan);
        }

        return [.. plan.OrderBy(p => p.Rank).ThenBy(p => p.Resource.QualifiedName, StringComparer.Ordinal)
            .ThenBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The plan entry of one backup object (cleaned, parsed and mapped), or null when the selection leaves it out.
    /// Independent per object, so the loader runs it on the other cores while the backup is still being read.
    /// </summary>
    public static PlannedObject? PrepareIfSelected(BackupObject o, RestoreSelection selection) =>
        selection.Includes(o.Ref) ? Prepare(o, selection) : null;

    private static PlannedObject Prepare(BackupObject o, RestoreSelection selection)
    {
        var body = ObjectCleaner.Clean(JsonNode.Parse(o.Json.Span)!.AsObject());
        var metadata = (JsonObject)(body["metadata"] ??= new JsonObject());
        var ns = selection.TargetNamespace(o.Ref);
        var name = selection.TargetName(o.Ref);
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        metadata["name"] = name;
        var resource = new ApiResource(o.Ref.Group, o.Ref.Version, o.Ref.Resource, o.Ref.Kind, o.Ref.Namespace is not null, []);
        return new PlannedObject(o.Ref, resource, ns, name, JsonSerializer.SerializeToUtf8Bytes(body))
        {
            Redacted = SecretRedactor.IsSecret(body) && SecretRedactor.IsRedacted(body),
        };
    }

    private static void AddImplicitNamespaces(List<PlannedObject> plan)
    {
        var declared = plan.Where(p => RestoreSelection.IsNamespaceObject(p.Source)).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var ns in plan.Select(p => p.Namespace).OfType<string>().Distinct(StringComparer.Ordinal).ToList())
        {
            if (declared.Contains(ns))
            {
                continue;
            }

            var body = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } };
            var reference = new ObjectRef("(restore)", string.Empty, "v1", "namespaces", "Namespace", null, ns);
            plan.Add(new PlannedObject(reference, NamespaceResource, null, ns, JsonSerializer.SerializeToUtf8Bytes(body), implicitNamespace: true));
        }
    }

    /// <summary>
    /// A restore confined to one namespace: its own Namespace object is left alone (it exists: the restore lives
    /// in it); any other cluster-scoped object or namespace refuses the whole restore.
    /// </summary>
    private static List<PlannedObject> ApplyTenancy(List<PlannedObject> plan, string allowed)
    {
        foreach (var p in plan)
        {
            if (RestoreSelection.IsNamespaceObject(p.Source) && p.Name == allowed)
            {
                p.Set(RestoreAction.Skip, $"the restore's own namespace '{allowed}' exists; a namespaced restore does not change cluster-scoped objects");
                continue;
            }

            if (p.Namespace is null)
            {
                throw new RestoreRefusedException(
                    $"a restore in namespace '{allowed}' may not write cluster-scoped objects, but the selection holds {p.Resource.QualifiedName}/{p.Name}; leave it out with excludeResources, or restore from an admin namespace");
            }

            if (p.Namespace != allowed)
            {
                throw new RestoreRefusedException(
                    $"a restore in namespace '{allowed}' may only write into '{allowed}', but the selection holds {p.Resource.QualifiedName}/{p.Namespace}/{p.Name}; use includeNamespaces or namespaceMapping ({p.Source.Namespace}={allowed})");
            }
        }

        return plan;
    }
}

/// <summary>The restore is refused as a whole before any write (tenancy, missing key for a safety backup ...).</summary>
internal sealed class RestoreRefusedException(string message, string kind = RestoreFailureKinds.Tenancy) : Exception(message)
{
    /// <summary>One of <see cref="RestoreFailureKinds"/>.</summary>
    public string Kind { get; } = kind;
}
