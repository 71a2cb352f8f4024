using DBackup.DevCluster.Faults;
using DBackup.Operator.Entities;
using DBackup.Operator.Restore;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Restore;
using k8s;

namespace DBackup.Operator.Tests.Restore;

/// <summary>Whole-restore refusals: each one changes nothing in the cluster (its revision stays) and says why.</summary>
public sealed class RestoreRefusalTests(OperatorClusterFixture fx) : IClassFixture<OperatorClusterFixture>
{
    [Fact]
    public async Task TamperedBackup_IsRefusedBeforeAnyWrite()
    {
        var (w, payload) = await DeletedAfterBackupAsync();
        using (w)
        {
            var bytes = await File.ReadAllBytesAsync(payload);
            bytes[bytes.Length / 2] ^= 0x01;
            await File.WriteAllBytesAsync(payload, bytes);

            await AssertRefusedAsync(w, w.Request(), RestoreFailureKinds.InvalidBackup, null);
        }
    }

    [Fact]
    public async Task TruncatedBackup_IsRefusedBeforeAnyWrite()
    {
        var (w, payload) = await DeletedAfterBackupAsync();
        using (w)
        {
            await using (var file = new FileStream(payload, FileMode.Open))
            {
                file.SetLength(file.Length - 100);
            }

            await AssertRefusedAsync(w, w.Request(), RestoreFailureKinds.BackupNotFound, "No restorable backup");
        }
    }

    [Fact]
    public async Task TruncatedBackupWithMatchingMeta_IsRefusedByVerification()
    {
        var (w, payload) = await DeletedAfterBackupAsync();
        using (w)
        {
            // A meta.json that agrees with the cut file: only decryption can notice the missing last segment.
            var meta = payload + DBackup.Pipeline.BackupName.MetaSuffix;
            var length = new FileInfo(payload).Length - 100;
            await using (var file = new FileStream(payload, FileMode.Open))
            {
                file.SetLength(length);
            }

            var text = await File.ReadAllTextAsync(meta);
            var parsed = DBackup.Pipeline.BackupMeta.Parse(System.Text.Encoding.UTF8.GetBytes(text));
            await File.WriteAllBytesAsync(meta, (parsed with { Sizes = parsed.Sizes with { PayloadBytes = length } }).ToJsonBytes());

            await AssertRefusedAsync(w, w.Request(), RestoreFailureKinds.InvalidBackup, null);
        }
    }

    [Fact]
    public async Task WrongKey_IsRefused_NamingTheExpectedKeyId()
    {
        var (w, _) = await DeletedAfterBackupAsync();
        using (w)
        {
            var other = EncryptionKey.Generate();

            var result = await AssertRefusedAsync(w, w.Request() with { Keys = new KeyRing(other) }, RestoreFailureKinds.InvalidBackup, w.Key.KeyId);

            Assert.Contains(other.KeyId, result.FailureReason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ForeignNamespace_IsRefusedForATenantRestore_OwnNamespaceIsAllowed()
    {
        var (w, _) = await DeletedAfterBackupAsync();
        using (w)
        {
            var tenant = await fx.NamespaceAsync();

            await AssertRefusedAsync(w, w.Request() with { AllowedNamespace = tenant }, RestoreFailureKinds.Tenancy, $"may only write into '{tenant}'");
            var mapped = await w.RestoreAsync(w.Request(selection: w.Map(tenant)) with { AllowedNamespace = tenant });

            Assert.Equal(RestoreOutcome.Succeeded, mapped.Outcome);
            Assert.Equal("blue", await w.ColorAsync("app", tenant));
            Assert.DoesNotContain(mapped.Items, i => i.Resource == "namespaces");
        }
    }

    [Fact]
    public async Task ClusterScopedObject_IsRefusedForATenantRestore()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await w.ConfigMapAsync("app");
        var role = new k8s.Models.V1ClusterRole { Metadata = new k8s.Models.V1ObjectMeta { Name = w.Namespace + "-role", Labels = new Dictionary<string, string> { ["test"] = w.Namespace } } };
        await w.Client.RbacAuthorizationV1.CreateClusterRoleAsync(role);
        await w.BackupAsync(extra: new global::DBackup.Operator.Kubernetes.CollectionSource
        {
            Component = "cluster", Resources = ["clusterroles.rbac.authorization.k8s.io"], LabelSelector = "test=" + w.Namespace,
        });
        await w.Client.RbacAuthorizationV1.DeleteClusterRoleAsync(role.Metadata.Name);

        await AssertRefusedAsync(w, w.Request() with { AllowedNamespace = w.Namespace }, RestoreFailureKinds.Tenancy, "cluster-scoped");
    }

    [Fact]
    public async Task MissingBackup_IsRefused()
    {
        using var w = await RestoreWorld.CreateAsync(fx);

        await AssertRefusedAsync(w, w.Request() with { Backup = "nightly-20200101T000000Z" }, RestoreFailureKinds.BackupNotFound, "nightly-20200101T000000Z");
    }

    [Fact]
    public async Task AnApiServerThatRefusesThePlanningReads_IsRefusedAsClusterUnavailable()
    {
        var (w, _) = await DeletedAfterBackupAsync();
        using (w)
        {
            using var fault = w.Cluster.Cluster.Faults.Add(FaultRule.Status(400, pathPattern: $"/api/v1/namespaces/{w.Namespace}/configmaps*", method: "GET"));

            await AssertRefusedAsync(w, w.Request(), RestoreFailureKinds.ClusterUnavailable, $"/api/v1/namespaces/{w.Namespace}/configmaps");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public async Task AnInvalidRequest_IsRefused(int parallelism)
    {
        var (w, _) = await DeletedAfterBackupAsync();
        using (w)
        {
            await AssertRefusedAsync(w, w.Request() with { Parallelism = parallelism }, RestoreFailureKinds.InvalidRequest, $"parallelism must be between 1 and 64, not {parallelism}");
        }
    }

    private async Task<(RestoreWorld World, string Payload)> DeletedAfterBackupAsync()
    {
        var w = await RestoreWorld.CreateAsync(fx);
        await w.ConfigMapAsync("app", "blue");
        var written = await w.BackupAsync(resources: ["configmaps"]);
        await w.Client.CoreV1.DeleteNamespacedConfigMapAsync("app", w.Namespace);
        return (w, Path.Combine(w.Destination.Root, written.PayloadKey));
    }

    private static async Task<RestoreResult> AssertRefusedAsync(RestoreWorld w, RestoreRequest request, string kind, string? reason)
    {
        var revision = w.Cluster.Cluster.ResourceVersion;

        var result = await w.RestoreAsync(request with { Mode = RestoreMode.Overwrite });

        Assert.Equal(RestoreOutcome.Failed, result.Outcome);
        Assert.Equal(kind, result.FailureKind);
        Assert.False(string.IsNullOrWhiteSpace(result.FailureReason));
        if (reason is not null)
        {
            Assert.Contains(reason, result.FailureReason, StringComparison.Ordinal);
        }

        Assert.Empty(result.Items);
        Assert.Equal(revision, w.Cluster.Cluster.ResourceVersion);
        return result;
    }
}
