using k8s;
using k8s.Autorest;
using k8s.Models;

namespace DBackup.DevCluster.Tests.Server;

/// <summary>One cluster shared by the tests of a class; each test works in its own namespace.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private int _counter;

    public DevCluster Cluster { get; private set; } = null!;

    public IKubernetes Client => Cluster.Client;

    public async Task InitializeAsync() => Cluster = await DevCluster.StartAsync(new DevClusterOptions { BookmarkInterval = TimeSpan.FromMilliseconds(200) });

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Creates a fresh namespace for one test.</summary>
    public async Task<string> NamespaceAsync()
    {
        var name = $"t{Interlocked.Increment(ref _counter)}-{Guid.NewGuid().ToString("N")[..6]}";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }
}

/// <summary>Helpers shared by the server tests.</summary>
internal static class Some
{
    public static V1ConfigMap ConfigMap(string name, IDictionary<string, string>? data = null, IDictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Data = data ?? new Dictionary<string, string> { ["k"] = "v" },
    };

    /// <summary>Runs <paramref name="call"/> and returns the HTTP status and Status body it failed with.</summary>
    public static async Task<(int Code, V1Status? Status, string Body)> FailureAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (HttpOperationException e)
        {
            var body = e.Response.Content;
            V1Status? status = null;
            try
            {
                status = KubernetesJson.Deserialize<V1Status>(body);
            }
            catch (System.Text.Json.JsonException)
            {
                // Not a Status body; the caller asserts on the raw text.
            }
            return ((int)e.Response.StatusCode, status, body);
        }
        throw new Xunit.Sdk.XunitException("the call was expected to fail but succeeded");
    }

    /// <summary>Sends raw JSON, for bodies the typed client cannot express (unknown fields, wrong types).</summary>
    public static async Task<(int Code, System.Text.Json.Nodes.JsonObject? Body, HttpResponseMessage Response)> SendAsync(DevCluster cluster, HttpMethod method, string path, string? json = null, string contentType = "application/json")
    {
        using var http = new HttpClient { BaseAddress = cluster.Url };
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, contentType);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length > 0 ? System.Text.Json.Nodes.JsonNode.Parse(text) as System.Text.Json.Nodes.JsonObject : null;
        return ((int)response.StatusCode, body, response);
    }

    /// <summary>Polls until <paramref name="condition"/> holds (controllers act asynchronously) or 10 s pass.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new Xunit.Sdk.XunitException($"timed out waiting for: {what}");
            await Task.Delay(20);
        }
    }
}
