using DBackup.DevCluster.Faults;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace DBackup.Operator.Tests.Runtime;

public sealed class StatusWriterTests(OperatorClusterFixture fx) : IClassFixture<OperatorClusterFixture>
{
    private StatusWriter Writer() => new(new CustomResourceClient(fx.Client), NullLogger<StatusWriter>.Instance);

    [Fact]
    public async Task UpdateAsync_RetriesOnFreshObject_WhenAnotherWriterChangedStatusMeanwhile()
    {
        var ns = await fx.NamespaceAsync();
        var stale = await Objects.CreateAsync(fx.Client, ns, Some.Profile());
        using var other = fx.Cluster.CreateClient();
        await Objects.PatchStatusAsync(other, ns, stale.Metadata.Name, """{"status":{"previousKeyIds":["old"]}}""");
        var calls = 0;

        var stored = await Writer().UpdateAsync(stale, (EncryptionProfileRefStatus s) =>
        {
            calls++;
            s.KeyId = "0123456789abcdef";
            return true;
        }, CancellationToken.None);

        Assert.Equal(2, calls);
        var read = await Objects.GetAsync(fx.Client, ns, stale.Metadata.Name);
        Assert.Equal("0123456789abcdef", read.Status.KeyId);
        Assert.Equal(["old"], read.Status.PreviousKeyIds!);
        Assert.Equal(read.Metadata.Generation, read.Status.ObservedGeneration);
        Assert.Equal(read.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task UpdateAsync_Retries_WhenServerAnswers409Once()
    {
        var ns = await fx.NamespaceAsync();
        var created = await Objects.CreateAsync(fx.Client, ns, Some.Profile());
        var rule = new FaultRule { StatusCode = 409, Method = "PUT", PathPattern = $"*/namespaces/{ns}/*/status", Times = 1 };
        using var fault = fx.Cluster.Faults.Add(rule);

        await Writer().UpdateAsync(created, (EncryptionProfileRefStatus s) =>
        {
            s.KeyId = "feedfacefeedface";
            return true;
        }, CancellationToken.None);

        Assert.Equal(1, rule.Fired);
        Assert.Equal("feedfacefeedface", (await Objects.GetAsync(fx.Client, ns, created.Metadata.Name)).Status.KeyId);
    }

    [Fact]
    public async Task UpdateAsync_LeavesSpecAndCallerObjectUntouched_AndSetsObservedGeneration()
    {
        var ns = await fx.NamespaceAsync();
        var created = await Objects.CreateAsync(fx.Client, ns, Some.Profile(secret: "original"));
        created.Spec.SecretRef.Name = "changed-locally";

        var stored = await Writer().UpdateAsync(created, (EncryptionProfileRefStatus s) =>
            Conditions.Set(s.Conditions ??= [], Conditions.Ready(ConditionReasons.Succeeded, "key found")), CancellationToken.None);

        var read = await Objects.GetAsync(fx.Client, ns, created.Metadata.Name);
        Assert.Equal("original", read.Spec.SecretRef.Name);
        Assert.Equal(1, read.Status.ObservedGeneration);
        Assert.True(Conditions.IsTrue(read.Status.Conditions, ConditionTypes.Ready));
        Assert.Null(created.Status.Conditions);
        Assert.NotEqual(created.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task UpdateAsync_SkipsWrite_WhenStatusIsUnchanged()
    {
        var ns = await fx.NamespaceAsync();
        var created = await Objects.CreateAsync(fx.Client, ns, Some.Profile());
        var writer = Writer();
        var first = await writer.UpdateAsync(created, (EncryptionProfileRefStatus s) =>
            Conditions.Set(s.Conditions ??= [], Conditions.Ready(ConditionReasons.Succeeded, "key found")), CancellationToken.None);

        var second = await writer.UpdateAsync(first, (EncryptionProfileRefStatus s) =>
            Conditions.Set(s.Conditions ??= [], Conditions.Ready(ConditionReasons.Succeeded, "key found")), CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(first.Metadata.ResourceVersion, (await Objects.GetAsync(fx.Client, ns, created.Metadata.Name)).Metadata.ResourceVersion);
    }

    [Fact]
    public async Task UpdateAsync_Writes_WhenMutateReturnsFalseButChangedStatus()
    {
        var ns = await fx.NamespaceAsync();
        var created = await Objects.CreateAsync(fx.Client, ns, Some.Profile());

        await Writer().UpdateAsync(created, (EncryptionProfileRefStatus s) =>
        {
            s.KeyId = "00000000deadbeef";
            return false;
        }, CancellationToken.None);

        Assert.Equal("00000000deadbeef", (await Objects.GetAsync(fx.Client, ns, created.Metadata.Name)).Status.KeyId);
    }

    [Fact]
    public async Task UpdateAsync_KeepsCallersObservedGeneration_WhenSpecChangedBeforeRetry()
    {
        var ns = await fx.NamespaceAsync();
        var stale = await Objects.CreateAsync(fx.Client, ns, Some.Profile());
        await Objects.PatchAsync(fx.Client, ns, stale.Metadata.Name, """{"spec":{"secretRef":{"name":"rotated"}}}""");

        await Writer().UpdateAsync(stale, (EncryptionProfileRefStatus s) =>
        {
            s.KeyId = "1111111111111111";
            return true;
        }, CancellationToken.None);

        var read = await Objects.GetAsync(fx.Client, ns, stale.Metadata.Name);
        Assert.Equal(2, read.Metadata.Generation);
        Assert.Equal(1, read.Status.ObservedGeneration);
        Assert.Equal("1111111111111111", read.Status.KeyId);
    }
}
