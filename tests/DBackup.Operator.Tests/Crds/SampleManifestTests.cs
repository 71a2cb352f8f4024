using DBackup.Operator.Backups;
using DBackup.Operator.Entities;
using DBackup.Operator.Tests.Support;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Crds;

/// <summary>
/// Every sample in config/samples parses strictly into its entity type, is accepted by an API server
/// serving the generated CRDs (server-side dry run with strict field validation), and — for policies —
/// passes the operator's own spec check. A sample that drifts from the types fails here.
/// </summary>
public sealed class SampleManifestTests(OperatorClusterFixture cluster) : IClassFixture<OperatorClusterFixture>
{
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "config", "samples"), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Sample_ParsesStrictly_AndIsAcceptedByTheCrd(string file)
    {
        var yaml = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "config", "samples", file));
        var kind = KubernetesYaml.Deserialize<KubernetesObject>(yaml).Kind;
        var (entity, plural) = kind switch
        {
            ApiGroup.EncryptionProfileRefKind => ((IKubernetesObject<V1ObjectMeta>)KubernetesYaml.Deserialize<EncryptionProfileRef>(yaml, strict: true), ApiGroup.EncryptionProfileRefPlural),
            ApiGroup.MetaBackupPolicyKind => (KubernetesYaml.Deserialize<MetaBackupPolicy>(yaml, strict: true), ApiGroup.MetaBackupPolicyPlural),
            ApiGroup.MetaBackupRestoreKind => (KubernetesYaml.Deserialize<MetaBackupRestore>(yaml, strict: true), ApiGroup.MetaBackupRestorePlural),
            _ => throw new InvalidOperationException($"{file}: unexpected kind {kind}"),
        };
        var ns = entity.Metadata.NamespaceProperty;
        Assert.False(string.IsNullOrEmpty(ns), $"{file} names no namespace");
        await EnsureNamespaceAsync(ns);

        await cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(entity, ApiGroup.Group, ApiGroup.Version, ns, plural, dryRun: "All", fieldValidation: "Strict");

        if (entity is MetaBackupPolicy policy)
        {
            Assert.Null(PolicySpecCheck.FirstProblem(policy.Spec));
        }
    }

    private async Task EnsureNamespaceAsync(string name)
    {
        try
        {
            await cluster.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Another sample made it already.
        }
    }
}
