using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Tests.Support;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Backups;

/// <summary>Events on our objects through the typed client; failures are logged, never thrown.</summary>
public sealed class EventRecorderTests(OperatorClusterFixture cluster) : IClassFixture<OperatorClusterFixture>
{
    [Fact]
    public async Task RecordAsync_CreatesEventOnTheObject()
    {
        var ns = await cluster.NamespaceAsync();
        var policy = await cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync<MetaBackupPolicy>(
            Some.Policy(name: "p", @namespace: ns), ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupPolicyPlural);
        var recorder = new EventRecorder(cluster.Client, new CollectingLogger<EventRecorder>(), instance: "pod-1");

        Assert.True(await recorder.WarningAsync(policy, "BackupFailed", new string('x', 5000)));

        var stored = Assert.Single((await cluster.Client.CoreV1.ListNamespacedEventAsync(ns)).Items);
        Assert.Equal((ApiGroup.ApiVersion, ApiGroup.MetaBackupPolicyKind, "p", ns, policy.Metadata.Uid, policy.Metadata.ResourceVersion),
            (stored.InvolvedObject.ApiVersion, stored.InvolvedObject.Kind, stored.InvolvedObject.Name, stored.InvolvedObject.NamespaceProperty,
                stored.InvolvedObject.Uid, stored.InvolvedObject.ResourceVersion));
        Assert.Equal(("Warning", "BackupFailed", 1, "dbackup-operator", "pod-1"), (stored.Type, stored.Reason, stored.Count, stored.ReportingComponent, stored.ReportingInstance));
        Assert.Equal(1024, stored.Message.Length);
        Assert.NotNull(stored.FirstTimestamp);
    }

    [Fact]
    public async Task RecordAsync_LogsAndReturnsFalse_WhenTheApiRefuses()
    {
        var logger = new CollectingLogger<EventRecorder>();
        var recorder = new EventRecorder(cluster.Client, logger);
        var missing = Some.Policy(name: "p", @namespace: "no-such-namespace-" + Guid.NewGuid().ToString("N")[..6]);

        Assert.False(await recorder.NormalAsync(missing, "BackupStarted", "hello"));

        Assert.Contains("BackupStarted", logger.Text, StringComparison.Ordinal);
    }
}
