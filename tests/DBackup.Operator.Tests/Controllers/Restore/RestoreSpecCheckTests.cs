using DBackup.Operator.Controllers;
using DBackup.Operator.Entities;
using k8s.Models;

namespace DBackup.Operator.Tests.Controllers.Restore;

/// <summary>The operator's copy of the CRD's CEL rules and the spec-level tenancy rule (DevCluster evaluates no CEL).</summary>
public sealed class RestoreSpecCheckTests
{
    [Theory]
    // Valid.
    [InlineData("policyRef", null, null, null, null, "team-a", null)]
    [InlineData("destination", "/backups", "main", "nightly", null, "team-a", null)]
    [InlineData("destination", "/backups", null, null, "nightly-20260101T030000Z", "team-a", null)]
    [InlineData("policyRef", null, null, null, "team-a", "team-a", null)]
    [InlineData("policyRef", null, null, null, "elsewhere", "dbackup-system", null)]
    // Source.
    [InlineData("both", "/backups", null, null, null, "team-a", "InvalidSpec: set exactly one of spec.policyRef")]
    [InlineData("neither", null, null, null, null, "team-a", "InvalidSpec: set exactly one of spec.policyRef")]
    [InlineData("policyRef+profile", null, "main", null, null, "team-a", "InvalidSpec: spec.encryptionProfileRef and spec.policy go with spec.destination")]
    [InlineData("destination", "relative/path", "main", "nightly", null, "team-a", "InvalidSpec: spec.destination.filesystem.path 'relative/path' must be an absolute path")]
    [InlineData("destination", "/backups", "main", null, null, "team-a", "InvalidSpec: spec.policy (the policy folder in the destination) is required")]
    [InlineData("destination", "/backups", "main", "Not_A_Name", null, "team-a", "InvalidSpec: spec.policy:")]
    // Mapping and tenancy.
    [InlineData("policyRef", null, null, null, "Bad_Name", "team-a", "InvalidSpec: spec.namespaceMapping:")]
    [InlineData("policyRef", null, null, null, "team-b", "team-a", "TenancyRefused: spec.namespaceMapping writes into other namespaces (prod → team-b)")]
    public void FirstProblem_MatchesTheCrdRules(string source, string? path, string? profile, string? folder, string? mapTo, string ns, string? expected)
    {
        var restore = new MetaBackupRestore { Metadata = new V1ObjectMeta { Name = "r", NamespaceProperty = ns } };
        var spec = restore.Spec;
        if (source.StartsWith("policyRef", StringComparison.Ordinal) || source == "both")
        {
            spec.PolicyRef = new LocalObjectReference { Name = "nightly" };
        }

        if (source is "destination" or "both")
        {
            spec.Destination = new DestinationSpec { Filesystem = new FilesystemDestinationSpec { Path = path! } };
        }

        if (source == "policyRef+profile" || (source == "destination" && profile is not null))
        {
            spec.EncryptionProfileRef = new LocalObjectReference { Name = profile! };
        }

        spec.Policy = folder;
        if (source == "destination" && mapTo is not null)
        {
            spec.Backup = mapTo;
        }
        else if (mapTo is not null)
        {
            spec.NamespaceMapping = new Dictionary<string, string> { ["prod"] = mapTo };
        }

        AssertFirstProblem(restore, expected);
    }

    [Theory]
    // 63 characters is the longest namespace name Kubernetes accepts.
    [InlineData("include", 63, null)]
    [InlineData("mapFrom", 63, null)]
    [InlineData("mapTo", 63, null)]
    // 64 is refused by the spec check, as the engine's selection check would refuse it later.
    [InlineData("include", 64, "InvalidSpec: spec.includeNamespaces: 'n777")]
    [InlineData("mapFrom", 64, "InvalidSpec: spec.namespaceMapping: 'n777")]
    [InlineData("mapTo", 64, "InvalidSpec: spec.namespaceMapping: 'prod' → 'n777")]
    public void FirstProblem_RefusesNamespaceNamesLongerThan63Characters(string field, int length, string? expected)
    {
        var name = "n" + new string('7', length - 1);
        var restore = new MetaBackupRestore { Metadata = new V1ObjectMeta { Name = "r", NamespaceProperty = "dbackup-system" } };
        restore.Spec.PolicyRef = new LocalObjectReference { Name = "nightly" };
        switch (field)
        {
            case "include":
                restore.Spec.IncludeNamespaces = [name];
                break;
            case "mapFrom":
                restore.Spec.NamespaceMapping = new Dictionary<string, string> { [name] = "prod" };
                break;
            default:
                restore.Spec.NamespaceMapping = new Dictionary<string, string> { ["prod"] = name };
                break;
        }

        var message = AssertFirstProblem(restore, expected);
        if (expected is not null)
        {
            Assert.Contains("at most 63 characters", message, StringComparison.Ordinal);
        }
    }

    /// <summary>Checks the first problem the spec check finds ("Reason: message" starts with <paramref name="expected"/>, or none); returns its message.</summary>
    private static string? AssertFirstProblem(MetaBackupRestore restore, string? expected)
    {
        var problem = RestoreSpecCheck.FirstProblem(restore, ["dbackup-system"]);
        if (expected is null)
        {
            Assert.Null(problem);
            return null;
        }

        Assert.NotNull(problem);
        Assert.StartsWith(expected, $"{problem.Value.Reason}: {problem.Value.Message}", StringComparison.Ordinal);
        return problem.Value.Message;
    }
}
