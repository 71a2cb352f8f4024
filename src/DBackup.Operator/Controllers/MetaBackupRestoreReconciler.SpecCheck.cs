using DBackup.Operator.Backups;
using DBackup.Operator.Entities;
using DBackup.Pipeline;
using DBackup.Pipeline.Restore;

namespace DBackup.Operator.Controllers;

/// <summary>
/// The checks that fail a restore before it reads anything: the CRD's CEL rules (which DevCluster and some
/// clusters do not evaluate), destination rules, names, and the spec-level part of the tenancy rule. The
/// object-level part (where each object of the backup would land) is enforced by the engine before any write.
/// </summary>
public static class RestoreSpecCheck
{
    /// <summary>Returns the first problem as (reason, message), or null when the spec can run.</summary>
    /// <param name="restore">The restore.</param>
    /// <param name="adminNamespaces">The operator's admin namespaces.</param>
    public static (string Reason, string Message)? FirstProblem(MetaBackupRestore restore, IReadOnlyCollection<string> adminNamespaces)
    {
        ArgumentNullException.ThrowIfNull(restore);
        ArgumentNullException.ThrowIfNull(adminNamespaces);
        var spec = restore.Spec;
        if ((spec.PolicyRef is null) == (spec.Destination is null))
        {
            return Invalid("set exactly one of spec.policyRef (restore a policy's backups with its key) or spec.destination (with spec.encryptionProfileRef and spec.policy)");
        }

        if (spec.PolicyRef is { } policyRef)
        {
            if (string.IsNullOrWhiteSpace(policyRef.Name))
            {
                return Invalid("spec.policyRef.name is empty");
            }

            if (spec.EncryptionProfileRef is not null || spec.Policy is not null)
            {
                return Invalid("spec.encryptionProfileRef and spec.policy go with spec.destination; with spec.policyRef the policy's destination, folder and key are used");
            }
        }
        else
        {
            if (BackupDestinations.Problem(spec.Destination) is { } destinationProblem)
            {
                return Invalid($"spec.{destinationProblem}");
            }

            var latest = string.IsNullOrWhiteSpace(spec.Backup) || string.Equals(spec.Backup.Trim(), Pipeline.Storage.BackupCatalog.Latest, StringComparison.OrdinalIgnoreCase);
            if (string.IsNullOrWhiteSpace(spec.Policy) && latest)
            {
                return Invalid("spec.policy (the policy folder in the destination) is required with spec.destination when spec.backup is latest");
            }

            if (!string.IsNullOrWhiteSpace(spec.Policy) && NameProblem(spec.Policy) is { } policyProblem)
            {
                return Invalid($"spec.policy: {policyProblem}");
            }
        }

        foreach (var ns in spec.IncludeNamespaces ?? [])
        {
            if (!RestoreSelection.IsNamespaceName(ns))
            {
                return Invalid($"spec.includeNamespaces: '{ns}' is not a valid namespace name (an RFC 1123 label of at most {RestoreSelection.MaxNamespaceNameLength} characters)");
            }
        }

        foreach (var (from, to) in spec.NamespaceMapping ?? [])
        {
            if (!RestoreSelection.IsNamespaceName(from) || !RestoreSelection.IsNamespaceName(to))
            {
                return Invalid($"spec.namespaceMapping: '{from}' → '{to}' must map a namespace name to a namespace name (RFC 1123 labels of at most {RestoreSelection.MaxNamespaceNameLength} characters)");
            }
        }

        return TenancyProblem(restore, adminNamespaces);
    }

    /// <summary>
    /// The spec-level tenancy rule: outside an admin namespace a restore may map namespaces only onto its own.
    /// </summary>
    private static (string Reason, string Message)? TenancyProblem(MetaBackupRestore restore, IReadOnlyCollection<string> adminNamespaces)
    {
        var own = restore.Metadata.NamespaceProperty ?? "default";
        if (adminNamespaces.Contains(own))
        {
            return null;
        }

        var foreign = (restore.Spec.NamespaceMapping ?? []).Where(m => m.Value != own).Select(m => $"{m.Key} → {m.Value}").ToList();
        return foreign.Count == 0
            ? null
            : (RestoreReasons.TenancyRefused,
                $"spec.namespaceMapping writes into other namespaces ({string.Join(", ", foreign)}); a restore in '{own}' may only write into '{own}' (admin namespaces: {string.Join(", ", adminNamespaces)})");
    }

    private static string? NameProblem(string policy)
    {
        try
        {
            BackupName.ValidatePolicy(policy);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message.Split(" (Parameter", 2)[0];
        }
    }

    private static (string, string) Invalid(string message) => (RestoreReasons.InvalidSpec, message);
}
