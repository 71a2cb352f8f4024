using System.Text;
using DBackup.Operator.Controllers;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Runtime;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline.Encryption;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DBackup.Operator.Tests.Controllers;

/// <summary>The profile reconciler publishes the key's fingerprint, or says precisely why it cannot.</summary>
public sealed class EncryptionProfileRefReconcilerTests(OperatorClusterFixture cluster) : IClassFixture<OperatorClusterFixture>
{
    [Fact]
    public async Task Reconcile_PublishesKeyIdsAndReady_WhenSecretsHoldKeys()
    {
        var ns = await cluster.NamespaceAsync();
        var current = EncryptionKey.Generate();
        var previous = EncryptionKey.Generate();
        await SecretAsync(ns, "backup-key", current.ToFileText());
        await SecretAsync(ns, "old-key", previous.ToFileText());
        var profile = Some.Profile(@namespace: ns);
        profile.Spec.PreviousKeys = [new SecretKeyReference { Name = "old-key", Key = "key" }];
        profile = await Objects.CreateAsync(cluster.Client, ns, profile);

        var result = await ReconcileAsync(profile);

        var stored = await Objects.GetAsync(cluster.Client, ns, profile.Metadata.Name);
        Assert.Equal(current.KeyId, stored.Status.KeyId);
        Assert.Equal([previous.KeyId], stored.Status.PreviousKeyIds);
        var ready = Conditions.Find(stored.Status.Conditions, ConditionTypes.Ready)!;
        Assert.Equal(("True", "KeyLoaded"), (ready.Status, ready.Reason));
        Assert.Equal(EncryptionProfileRefReconciler.SecretRecheck, result.Delay);
        Assert.DoesNotContain(Convert.ToBase64String(current.ExportBytes()), KubernetesJson.Serialize(stored), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_SetsReadyFalseWithReason_AndRecoversWhenSecretAppears()
    {
        var ns = await cluster.NamespaceAsync();
        var profile = await Objects.CreateAsync(cluster.Client, ns, Some.Profile(@namespace: ns));

        await ReconcileAsync(profile);
        var missing = await Objects.GetAsync(cluster.Client, ns, profile.Metadata.Name);
        var notReady = Conditions.Find(missing.Status.Conditions, ConditionTypes.Ready)!;

        var key = EncryptionKey.Generate();
        await SecretAsync(ns, "backup-key", key.ToFileText());
        await ReconcileAsync(missing);
        var fixedUp = await Objects.GetAsync(cluster.Client, ns, profile.Metadata.Name);

        Assert.Equal(("False", "SecretNotFound"), (notReady.Status, notReady.Reason));
        Assert.Null(missing.Status.KeyId);
        Assert.Equal(key.KeyId, fixedUp.Status.KeyId);
        Assert.True(Conditions.IsTrue(fixedUp.Status.Conditions, ConditionTypes.Ready));
    }

    [Fact]
    public async Task Reconcile_SaysKeyMalformed_WithoutEchoingTheSecret()
    {
        var ns = await cluster.NamespaceAsync();
        await SecretAsync(ns, "backup-key", "correct-horse-battery-staple");
        var profile = await Objects.CreateAsync(cluster.Client, ns, Some.Profile(@namespace: ns));

        await ReconcileAsync(profile);

        var stored = await Objects.GetAsync(cluster.Client, ns, profile.Metadata.Name);
        var ready = Conditions.Find(stored.Status.Conditions, ConditionTypes.Ready)!;
        Assert.Equal("KeyMalformed", ready.Reason);
        Assert.DoesNotContain("correct-horse", KubernetesJson.Serialize(stored), StringComparison.Ordinal);
    }

    private Task<ReconcileResult> ReconcileAsync(EncryptionProfileRef profile) =>
        new EncryptionProfileRefReconciler(
                cluster.Client,
                new StatusWriter(new CustomResourceClient(cluster.Client), NullLogger<StatusWriter>.Instance),
                new FakeTimeProvider(DateTimeOffset.UtcNow),
                NullLogger<EncryptionProfileRefReconciler>.Instance)
            .ReconcileAsync(profile, CancellationToken.None);

    private Task SecretAsync(string ns, string name, string value) =>
        cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, byte[]> { ["key"] = Encoding.UTF8.GetBytes(value) } }, ns);
}
