using DBackup.Operator.Entities;
using DBackup.Operator.Manifests;
using DBackup.Operator.Tests.Support;
using k8s;

namespace DBackup.Operator.Tests.Manifests;

public sealed class StrictManifestTests
{
    private const string Policy = """
        apiVersion: dbackup.io/v1alpha1
        kind: MetaBackupPolicy
        metadata:
          name: nightly
          namespace: shop
          labels: {team: shop}
        spec:
          schedule: "0 3 * * *"
          suspend: null
          sources:
          - name: config
            kubernetes:
              resources: [configmaps]
          destination:
            filesystem:
              path: /backups
        """;

    /// <summary>Every policy sample reads to exactly what the client library's strict YAML reader makes of it.</summary>
    [Fact]
    public void PolicySamples_ReadAsTheLibrarysStrictYamlReaderReadsThem()
    {
        var samples = Directory.GetFiles(RepoPaths.Of("config", "samples"), "metabackuppolicy-*.yaml");
        Assert.NotEmpty(samples);
        foreach (var file in samples)
        {
            var text = File.ReadAllText(file);

            var ours = StrictManifest.Read<MetaBackupPolicy>(Path.GetFileName(file), text);

            Assert.Equal(KubernetesJson.Serialize(KubernetesYaml.Deserialize<MetaBackupPolicy>(text, strict: true)), KubernetesJson.Serialize(ours));
        }
    }

    [Fact]
    public void Reads_APolicy_WithExplicitNulls()
    {
        var policy = StrictManifest.Read<MetaBackupPolicy>("p.yaml", Policy);

        Assert.Equal(("nightly", "shop", "shop"), (policy.Metadata.Name, policy.Metadata.NamespaceProperty, policy.Metadata.Labels["team"]));
        Assert.Equal("0 3 * * *", policy.Spec.Schedule);
        Assert.Equal("configmaps", Assert.Single(Assert.Single(policy.Spec.Sources).Kubernetes!.Resources));
    }

    [Theory]
    [InlineData("spec:\n  schedule: '0 3 * * *'\n  colour: blue\n", "unknown field \"spec.colour\"")]
    [InlineData("spec:\n  sources:\n  - name: config\n    kubernets: {resources: [configmaps]}\n", "unknown field \"spec.sources[0].kubernets\"")]
    [InlineData("spec:\n  Schedule: '0 4 * * *'\n", "unknown field \"spec.Schedule\"")]
    [InlineData("metadata: {name: p, colour: blue}\nstatus: {bogus: 1}\n", "unknown fields \"metadata.colour\", \"status.bogus\"")]
    public void UnknownFields_AreNamedByPath(string text, string expected)
    {
        var e = Assert.Throws<ManifestException>(() => StrictManifest.Read<MetaBackupPolicy>("p.yaml", "apiVersion: dbackup.io/v1alpha1\nkind: MetaBackupPolicy\n" + text));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("spec:\n  schedule: [a, b]\n", "spec.schedule")]
    [InlineData("spec: {schedule: '0 3 * * *'}\n---\nspec: {schedule: '0 4 * * *'}\n", "holds 2 objects")]
    [InlineData("spec: [unclosed\n", "invalid YAML")]
    [InlineData("metadata: {name: p, creationTimestamp: yesterday}\n", "Unable to parse yesterday")]
    [InlineData("spec: {retention: {keep: lots}}\n", "spec.retention")]
    public void WrongTypes_SeveralObjects_AndBrokenYaml_AreRefused(string text, string expected)
    {
        var e = Assert.Throws<ManifestException>(() => StrictManifest.Read<MetaBackupPolicy>("p.yaml", "apiVersion: dbackup.io/v1alpha1\nkind: MetaBackupPolicy\n" + text));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
