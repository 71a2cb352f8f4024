using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using DBackup.Pipeline.Storage;

namespace DBackup.Pipeline.Tests.Support;

/// <summary>
/// A real s3rver (npm, tools/node_modules) on 127.0.0.1, shared by the tests of the "s3rver" collection.
/// Each test creates its own bucket, so tests do not see each other's objects.
/// </summary>
/// <remarks>
/// s3rver is started with <c>--port 0</c> and prints the port it bound ("S3rver listening on ..."), which
/// avoids the race of picking a free port first. <c>--openssl-legacy-provider</c> is needed by its
/// ListObjectsV2 continuation tokens on Node 17+.
/// </remarks>
public sealed partial class S3rverFixture : IAsyncLifetime
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly TempDirectory data = new("dbackup-s3rver");
    private readonly List<string> output = [];
    private Process? process;

    public string ServiceUrl { get; private set; } = string.Empty;

    /// <summary>Where s3rver keeps its files: one folder per bucket.</summary>
    public string DataDirectory => data.Path;

    public async Task InitializeAsync()
    {
        var script = Path.Combine(FindRepositoryRoot(), "tools", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"s3rver is not installed ({script} is missing): run `bash scripts/install-tools.sh` in the repository root.");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, "--address", "127.0.0.1", "--port", "0", "--directory", data.Path, "--silent" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NODE_OPTIONS"] = "--openssl-legacy-provider";
        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnOutput(e.Data, port);
        process.ErrorDataReceived += (_, e) => OnOutput(e.Data, port);
        process.Exited += (_, _) => port.TrySetException(new InvalidOperationException($"s3rver exited early: {string.Join(Environment.NewLine, Snapshot())}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var bound = await port.Task.WaitAsync(TimeSpan.FromSeconds(30));
        ServiceUrl = $"http://127.0.0.1:{bound}";
        await WaitForConnectionAsync(bound);
    }

    public Task DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process?.Dispose();
        data.Dispose();
        return Task.CompletedTask;
    }

    public AmazonS3Client CreateClient() => S3Destination.CreateClient(OptionsFor("unused"), S3Destination.CreateConfig(OptionsFor("unused")));

    public S3DestinationOptions OptionsFor(string bucket, string prefix = "") => new()
    {
        Bucket = bucket,
        Prefix = prefix,
        Endpoint = ServiceUrl,
        ForcePathStyle = true,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        PartSize = S3DestinationOptions.MinimumPartSize,
    };

    public async Task<string> CreateBucketAsync()
    {
        var bucket = $"t-{Guid.NewGuid():N}"[..30];
        using var client = CreateClient();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        return bucket;
    }

    /// <summary>Keys of the objects really stored in the bucket, read with a plain client.</summary>
    public async Task<List<string>> RawKeysAsync(string bucket)
    {
        using var client = CreateClient();
        var response = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        return (response.S3Objects ?? []).Select(o => o.Key).ToList();
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DBackup.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"DBackup.sln not found above {AppContext.BaseDirectory}.");
    }

    private static async Task WaitForConnectionAsync(int port)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    private void OnOutput(string? line, TaskCompletionSource<int> port)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Add(line);
        }

        var match = ListeningLine().Match(line);
        if (match.Success)
        {
            port.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private string[] Snapshot()
    {
        lock (output)
        {
            return [.. output];
        }
    }

    [GeneratedRegex(@"S3rver listening on [^:]+:(\d+)")]
    private static partial Regex ListeningLine();
}

[CollectionDefinition(Name)]
public sealed class S3rverCollection : ICollectionFixture<S3rverFixture>
{
    public const string Name = "s3rver";
}
