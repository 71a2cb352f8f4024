using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace DBackup.Bench;

/// <summary>
/// Fills the DevCluster over raw HTTP with concurrent writers: ConfigMaps made from <see cref="BenchObjects"/>
/// (~2 KiB of data each, spread over its team-NN namespaces) and Opaque Secrets carrying the same data base64-encoded.
/// </summary>
internal static class BackupBenchSeeder
{
    private const int Writers = 8;

    /// <summary>The namespaces BenchObjects spreads its objects over, created (labelled bench=yes) in the cluster.</summary>
    public static async Task<IReadOnlyList<string>> CreateNamespacesAsync(HttpClient http)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var o in BenchObjects.Create(1000))
        {
            names.Add(o.Ref.Namespace!);
        }

        foreach (var ns in names)
        {
            await PostAsync(http, "api/v1/namespaces", new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = ns, ["labels"] = new JsonObject { ["bench"] = "yes" } },
            }.ToJsonString());
        }

        return [.. names];
    }

    /// <summary>Creates ConfigMaps number <paramref name="from"/> to <paramref name="to"/> (exclusive) of the BenchObjects sequence.</summary>
    public static Task ConfigMapsAsync(HttpClient http, int from, int to) => WriteAsync(http, from, to, json =>
    {
        var node = JsonNode.Parse(json.Span)!.AsObject();
        var metadata = node["metadata"]!.AsObject();

        // The generator imitates stored objects; a create must not carry server-set fields.
        metadata.Remove("uid");
        metadata.Remove("resourceVersion");
        return ($"api/v1/namespaces/{metadata["namespace"]}/configmaps", node.ToJsonString());
    });

    /// <summary>Creates <paramref name="count"/> Secrets named secret-NNNNN.</summary>
    public static Task SecretsAsync(HttpClient http, int count) => WriteAsync(http, 0, count, json =>
    {
        var source = JsonNode.Parse(json.Span)!.AsObject();
        var metadata = source["metadata"]!.AsObject();
        var data = new JsonObject();
        foreach (var (key, value) in source["data"]!.AsObject())
        {
            data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value!.GetValue<string>()));
        }

        var name = "secret-" + metadata["name"]!.GetValue<string>().Split('-')[^1];
        var secret = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = metadata["namespace"]!.GetValue<string>() },
            ["type"] = "Opaque",
            ["data"] = data,
        };
        return ($"api/v1/namespaces/{metadata["namespace"]}/secrets", secret.ToJsonString());
    });

    private static async Task WriteAsync(HttpClient http, int from, int to, Func<ReadOnlyMemory<byte>, (string Path, string Body)> build)
    {
        var queue = Channel.CreateBounded<(string Path, string Body)>(1000);
        var writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            await foreach (var (path, body) in queue.Reader.ReadAllAsync())
            {
                await PostAsync(http, path, body);
            }
        })).ToList();
        try
        {
            var i = 0;
            await foreach (var o in BenchObjects.Create(to))
            {
                if (i++ >= from)
                {
                    await queue.Writer.WriteAsync(build(o.Json));
                }
            }
        }
        finally
        {
            queue.Writer.Complete();
        }

        await Task.WhenAll(writers);
    }

    private static async Task PostAsync(HttpClient http, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(path, content);
        if (!response.IsSuccessStatusCode)
        {
            var error = await response.Content.ReadAsStringAsync();
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"POST {path} answered {(int)response.StatusCode}: {error}"));
        }
    }
}
