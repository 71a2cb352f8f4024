using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DBackup.Operator.Kubernetes;

namespace DBackup.Bench;

/// <summary>
/// The bare paged LIST the backup is compared with: the same requests as the operator's collector (per resource,
/// per namespace, 500 per page, continue tokens) with no parsing beyond finding the continue token and counting items.
/// </summary>
internal static class BackupBenchList
{
    private static readonly byte[] ContinueName = Encoding.UTF8.GetBytes("continue");
    private static readonly byte[] ItemsName = Encoding.UTF8.GetBytes("items");

    /// <summary>
    /// Child-process mode (<c>backup --bare-list KUBECONFIG NS,NS RES,RES</c>): run as a separate process so its
    /// time includes .NET startup and its RSS is its own, like the <c>dbackup backup</c> process it is compared with.
    /// </summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        using var http = Client(args[0]);
        var (objects, bytes, _) = await ListAsync(http, args[1].Split(','), args[2].Split(','));
        Console.WriteLine(FormattableString.Invariant($"{objects} {bytes}"));
        return 0;
    }

    /// <summary>
    /// An HttpClient for the kubeconfig's server and bearer token (the DevCluster kubeconfig has both), read the way
    /// dbackup reads it, so both processes pay the same start-up and the ratio is about the work after it.
    /// </summary>
    public static HttpClient Client(string kubeconfig)
    {
        var config = KubeconfigFile.Load(kubeconfig);
        var http = new HttpClient { BaseAddress = new Uri(config.Host), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (!string.IsNullOrEmpty(config.AccessToken))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", config.AccessToken);
        }

        return http;
    }

    /// <summary>Lists every resource in every namespace; returns items, body bytes and the elapsed time.</summary>
    public static async Task<(long Objects, long Bytes, TimeSpan Elapsed)> ListAsync(HttpClient http, IReadOnlyList<string> namespaces, IReadOnlyList<string> resources)
    {
        var clock = Stopwatch.StartNew();
        long objects = 0, bytes = 0;
        foreach (var resource in resources)
        {
            foreach (var ns in namespaces)
            {
                string? continueToken = null;
                do
                {
                    var query = $"api/v1/namespaces/{ns}/{resource}?limit=500";
                    if (continueToken is not null)
                    {
                        query += "&continue=" + Uri.EscapeDataString(continueToken);
                    }

                    var body = await http.GetByteArrayAsync(query);
                    bytes += body.Length;
                    (var items, continueToken) = Scan(body);
                    objects += items;
                }
                while (!string.IsNullOrEmpty(continueToken));
            }
        }

        return (objects, bytes, clock.Elapsed);
    }

    /// <summary>One forward pass of a reader: items in the list and metadata.continue, nothing materialised.</summary>
    private static (int Items, string? Continue) Scan(byte[] body)
    {
        var reader = new Utf8JsonReader(body);
        var items = 0;
        string? continueToken = null;
        var inItems = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                    inItems = reader.ValueTextEquals(ItemsName);
                    break;
                case JsonTokenType.PropertyName when reader.CurrentDepth == 2 && !inItems && reader.ValueTextEquals(ContinueName):
                    reader.Read();
                    continueToken = reader.GetString();
                    break;
                case JsonTokenType.StartObject when inItems && reader.CurrentDepth == 2:
                    items++;
                    reader.Skip();
                    break;
            }
        }

        return (items, continueToken);
    }

    public static string Describe(long objects, long bytes, TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture,
        $"{objects} objects, {bytes / 1e6:F1} MB in {elapsed.TotalSeconds:F2} s");
}
