using System.Text;
using DBackup.Operator.Entities;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.History;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Controllers.Restore;

/// <summary>Restores that cannot (fully) succeed: each says why in its conditions, and changes nothing it must not.</summary>
public sealed class MetaBackupRestoreFailureTests(OperatorClusterFixture cluster) : IClassFixture<OperatorClusterFixture>
{
    [Fact]
    public async Task Reconcile_FailsWithInvalidSpec_WhenBothPolicyRefAndDestinationAreSet()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.CreateRestoreAsync(s =>
        {
            s.PolicyRef = new LocalObjectReference { Name = "nightly" };
            s.Destination = new DestinationSpec { Filesystem = new FilesystemDestinationSpec { Path = "/backups" } };
        });

        var restore = await world.ReconcileAsync();

        var (reason, message) = FailedCondition(restore, RestoreReasons.InvalidSpec);
        Assert.Contains("exactly one of spec.policyRef", message, StringComparison.Ordinal);
        Assert.Equal(RestoreReasons.InvalidSpec, reason);
        Assert.Contains("RestoreFailed", (await world.EventsAsync(restore)).Select(e => e.Reason));
        Assert.Equal(ExecutionStatus.Failed, Assert.Single(await world.Backups.History.RecentRestoresAsync(world.Namespace, 10)).Status);
    }

    [Fact]
    public async Task Reconcile_FailsWithInvalidSpec_ForA64CharacterNamespaceName_BeforeReadingAnything()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.SetColorAsync("red");
        var overlong = "n" + new string('7', 63);
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "nightly" }; s.Mode = RestoreMode.Overwrite; s.IncludeNamespaces = [world.Namespace, overlong]; });

        var restore = await world.ReconcileAsync();

        var (_, message) = FailedCondition(restore, RestoreReasons.InvalidSpec);
        Assert.StartsWith($"spec.includeNamespaces: '{overlong}' is not a valid namespace name", message, StringComparison.Ordinal);
        Assert.Null(restore.Status!.BackupName);
        Assert.Equal("red", await world.ColorAsync());
    }

    [Fact]
    public async Task Reconcile_FailsWithSourceUnavailable_WhenThePolicyRefNamesNoPolicy()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.SetColorAsync("red");
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "weekly" }; s.Mode = RestoreMode.Overwrite; });

        var (_, message) = FailedCondition(await world.ReconcileAsync(), RestoreReasons.SourceUnavailable);

        Assert.Equal($"MetaBackupPolicy {world.Namespace}/weekly (spec.policyRef) does not exist", message);
        Assert.Equal("red", await world.ColorAsync());
    }

    [Fact]
    public async Task Reconcile_FailsWithBackupNotFound_ForAnUnknownName()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "nightly" }; s.Backup = "nightly-19990101T000000Z"; });

        var (_, message) = FailedCondition(await world.ReconcileAsync(), RestoreReasons.BackupNotFound);

        Assert.Contains("nightly-19990101T000000Z", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_FailsWithBackupNotFound_WhenTheOnlyBackupLostItsPayload()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        File.Delete(Directory.GetFiles(world.Backups.Backups, "*.enc", SearchOption.AllDirectories).Single());
        await world.CreateRestoreAsync(s => s.PolicyRef = new LocalObjectReference { Name = "nightly" });

        var (_, message) = FailedCondition(await world.ReconcileAsync(), RestoreReasons.BackupNotFound);

        Assert.Contains("No restorable backup", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_FailsWithKeyMissing_AndChangesNothing_WhenTheProfileLostTheKey()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        var old = await world.BackedUpAsync();
        await world.Client.CoreV1.DeleteNamespacedConfigMapAsync("other", world.Namespace);
        var secret = await world.Client.CoreV1.ReadNamespacedSecretAsync("backup-key", world.Namespace);
        secret.Data["key"] = Encoding.UTF8.GetBytes(EncryptionKey.Generate().ToFileText());
        await world.Client.CoreV1.ReplaceNamespacedSecretAsync(secret, "backup-key", world.Namespace);
        await world.CreateRestoreAsync(s => s.PolicyRef = new LocalObjectReference { Name = "nightly" });

        var (_, message) = FailedCondition(await world.ReconcileAsync(), RestoreReasons.KeyMissing);

        Assert.Contains(old.KeyId, message, StringComparison.Ordinal);
        Assert.Null(await world.ColorAsync("other"));
    }

    [Fact]
    public async Task Reconcile_FailsWithVerificationFailed_AndChangesNothing_ForATamperedBackup()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.SetColorAsync("red");
        await world.Client.CoreV1.DeleteNamespacedConfigMapAsync("other", world.Namespace);
        var payload = Directory.GetFiles(world.Backups.Backups, "*.enc", SearchOption.AllDirectories).Single();
        var bytes = await File.ReadAllBytesAsync(payload);
        bytes[bytes.Length / 2] ^= 0x55;
        await File.WriteAllBytesAsync(payload, bytes);
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "nightly" }; s.Mode = RestoreMode.Overwrite; });

        var restore = await world.ReconcileAsync();

        FailedCondition(restore, RestoreReasons.VerificationFailed);
        Assert.Equal("red", await world.ColorAsync());
        Assert.Null(await world.ColorAsync("other"));
        Assert.Null(restore.Status!.SafetyBackupName);
    }

    [Fact]
    public async Task Reconcile_IsPartiallyFailed_AndNamesTheObject_WhenOneObjectIsRejected()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.SetColorAsync("red");
        await world.SetColorAsync("purple", "other");
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "nightly" }; s.Mode = RestoreMode.Overwrite; });

        MetaBackupRestore restore;
        using (cluster.Cluster.Faults.Add(new DevCluster.Faults.FaultRule { Method = "PUT", PathPattern = $"/api/v1/namespaces/{world.Namespace}/configmaps/app", StatusCode = 422 }))
        {
            restore = await world.ReconcileAsync();
        }

        var status = restore.Status!;
        Assert.Equal(RestorePhase.PartiallyFailed, status.Phase);
        Assert.Equal(1, status.Summary!.Failed);
        Assert.Equal(1, status.Summary.Updated);
        Assert.Equal(("app", "fail"), (status.Items![0].Name, status.Items[0].Action));
        Assert.False(string.IsNullOrEmpty(status.Items[0].Reason));
        Assert.Equal("red", await world.ColorAsync());
        Assert.Equal("green", await world.ColorAsync("other"));
        Assert.Equal(RestoreReasons.PartiallyFailed, Conditions.Find(status.Conditions, ConditionTypes.Complete)!.Reason);
        Assert.True(Conditions.IsTrue(status.Conditions, ConditionTypes.Failed));
        Assert.Contains("RestorePartiallyFailed", (await world.EventsAsync(restore)).Select(e => e.Reason));
        Assert.Equal(ExecutionStatus.PartiallyFailed, (await world.Backups.History.RecentRestoresAsync(world.Namespace, 1))[0].Status);
    }

    [Fact]
    public async Task Reconcile_RefusesMappingIntoAnotherNamespace_OutsideAdminNamespaces()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        var victim = await cluster.NamespaceAsync();
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "nightly" }; s.NamespaceMapping = new() { [world.Namespace] = victim }; });

        var (_, message) = FailedCondition(await world.ReconcileAsync(), RestoreReasons.TenancyRefused);

        Assert.Contains(victim, message, StringComparison.Ordinal);
        Assert.DoesNotContain((await world.Client.CoreV1.ListNamespacedConfigMapAsync(victim)).Items, c => c.Metadata.Name is "app" or "other");

        // The same restore from an admin namespace is allowed.
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "nightly" }; s.NamespaceMapping = new() { [world.Namespace] = victim }; }, "admin");
        var admin = await world.ReconcileAsync("admin", world.Reconciler(world.Namespace));
        Assert.Equal(RestorePhase.Succeeded, admin.Status!.Phase);
        Assert.Equal("blue", (await world.Client.CoreV1.ReadNamespacedConfigMapAsync("app", victim)).Data["color"]);
    }

    [Fact]
    public async Task Reconcile_RefusesBackupObjectsOfAnotherNamespace_BeforeAnyWrite()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        var key = await world.BackedUpAsync();
        await world.Client.CoreV1.DeleteNamespacedConfigMapAsync("other", world.Namespace);

        // A tenant that holds the same key points a restore at the other team's backups: it may decrypt them, but never write there.
        var tenant = await cluster.NamespaceAsync();
        await world.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "backup-key" }, Data = new Dictionary<string, byte[]> { ["key"] = Encoding.UTF8.GetBytes(key.ToFileText()) } }, tenant);
        await Objects.CreateAsync(world.Client, tenant, Some.Profile(name: "main", secret: "backup-key"));
        var restore = new MetaBackupRestore { Metadata = new V1ObjectMeta { Name = "steal", NamespaceProperty = tenant } };
        restore.Spec.Destination = new DestinationSpec { Filesystem = new FilesystemDestinationSpec { Path = world.Backups.Backups } };
        restore.Spec.EncryptionProfileRef = new LocalObjectReference { Name = "main" };
        restore.Spec.Policy = "nightly";
        restore.Spec.Mode = RestoreMode.Overwrite;
        await world.Client.CustomObjects.CreateNamespacedCustomObjectAsync(restore, ApiGroup.Group, ApiGroup.Version, tenant, ApiGroup.MetaBackupRestorePlural);

        var stored = await world.Client.CustomObjects.GetNamespacedCustomObjectAsync<MetaBackupRestore>(ApiGroup.Group, ApiGroup.Version, tenant, ApiGroup.MetaBackupRestorePlural, "steal");
        await world.Reconciler().ReconcileAsync(stored, CancellationToken.None);
        stored = await world.Client.CustomObjects.GetNamespacedCustomObjectAsync<MetaBackupRestore>(ApiGroup.Group, ApiGroup.Version, tenant, ApiGroup.MetaBackupRestorePlural, "steal");

        var (_, message) = FailedCondition(stored, RestoreReasons.TenancyRefused);
        Assert.Contains(world.Namespace, message, StringComparison.Ordinal);
        Assert.Null(await world.ColorAsync("other"));
        Assert.Null(stored.Status!.SafetyBackupName);
    }

    private static (string Reason, string Message) FailedCondition(MetaBackupRestore restore, string expectedReason)
    {
        var status = restore.Status!;
        Assert.Equal(RestorePhase.Failed, status.Phase);
        var failed = Conditions.Find(status.Conditions, ConditionTypes.Failed)!;
        Assert.Equal(Conditions.True, failed.Status);
        Assert.True(expectedReason == failed.Reason, $"expected reason {expectedReason}, got {failed.Reason}: {failed.Message}");
        Assert.False(Conditions.IsTrue(status.Conditions, ConditionTypes.Complete));
        Assert.NotNull(status.CompletionTime);
        return (failed.Reason, failed.Message);
    }
}
