using System.Text;
using DBackup.Operator.Crds;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Pipeline.Encryption;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Kubernetes;

/// <summary>Loading a profile's keys from Secrets in DevCluster, and the reasons it can fail.</summary>
public sealed class EncryptionProfileKeysTests : IAsyncLifetime
{
    private DevCluster.DevCluster _cluster = null!;
    private IKubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _cluster = await DevCluster.DevCluster.StartAsync();
        _client = _cluster.Client;
        await _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "ns" } });
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task LoadAsync_ReturnsCurrentKeyFirst_ThenPreviousKeys()
    {
        var current = EncryptionKey.Generate();
        var previous = EncryptionKey.Generate();
        await SecretAsync("k-new", "key", current.ToFileText());
        await SecretAsync("k-old", "backup.key", previous.ToFileText());

        var ring = await EncryptionProfileKeys.LoadAsync(_client, "ns", Spec("k-new", "key", ("k-old", "backup.key")), CancellationToken.None);

        Assert.Equal([current.KeyId, previous.KeyId], ring.KeyIds);
        Assert.Equal(current, ring.Current);
    }

    [Fact]
    public async Task LoadAsync_SaysSecretNotFound_WhenSecretIsMissing()
    {
        var error = await Assert.ThrowsAsync<ProfileKeyException>(() => EncryptionProfileKeys.LoadAsync(_client, "ns", Spec("absent", "key"), CancellationToken.None));

        Assert.Equal("SecretNotFound", error.Reason);
        Assert.Contains("ns/absent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_NamesTheKeysThere_WhenKeyIsMissing()
    {
        await SecretAsync("k", "other", EncryptionKey.Generate().ToFileText());

        var error = await Assert.ThrowsAsync<ProfileKeyException>(() => EncryptionProfileKeys.LoadAsync(_client, "ns", Spec("k", "key"), CancellationToken.None));

        Assert.Equal("KeyNotFound", error.Reason);
        Assert.Contains("keys: other", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_SaysKeyMalformed_WithoutEchoingTheValue()
    {
        await SecretAsync("k", "key", "hunter2-not-a-key");

        var error = await Assert.ThrowsAsync<ProfileKeyException>(() => EncryptionProfileKeys.LoadAsync(_client, "ns", Spec("k", "key"), CancellationToken.None));

        Assert.Equal("KeyMalformed", error.Reason);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_SaysProfileNotFound_WhenLoadingByName()
    {
        await EmbeddedCrds.InstallAsync(_client, CancellationToken.None);
        await _cluster.WaitForControllersAsync();

        var error = await Assert.ThrowsAsync<ProfileKeyException>(() => EncryptionProfileKeys.LoadAsync(_client, "ns", "nope", CancellationToken.None));

        Assert.Equal("ProfileNotFound", error.Reason);
    }

    private static EncryptionProfileRefSpec Spec(string name, string key, params (string Name, string Key)[] previous) => new()
    {
        SecretRef = new SecretKeyReference { Name = name, Key = key },
        PreviousKeys = previous.Select(p => new SecretKeyReference { Name = p.Name, Key = p.Key }).ToList(),
    };

    private Task SecretAsync(string name, string key, string value) =>
        _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, byte[]> { [key] = Encoding.UTF8.GetBytes(value) } }, "ns");
}
