using System.Formats.Tar;
using System.IO.Compression;
using DBackup.Operator.Cli;

namespace DBackup.Operator.Tests.Cli;

/// <summary>The outcome of one in-process <c>dbackup</c> run.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Err}";
}

/// <summary>
/// Runs <c>dbackup</c> in-process inside a private temp folder, with its own environment variables
/// (never the process's, so tests cannot leak DBACKUP_KEY into each other).
/// </summary>
internal sealed class CliHarness : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("dbackup-cli-");

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public string Root => _root.FullName;

    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public async Task<CliRun> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var context = new CliContext(stdout, stderr, name => Environment.GetValueOrDefault(name), stderrIsTerminal: false);
        var code = await DBackupCommand.RunAsync(args, context, handleTermination: false, CancellationToken.None);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    public async Task<CliRun> RunOkAsync(params string[] args)
    {
        var run = await RunAsync(args);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    /// <summary>Writes a file under the root, creating folders.</summary>
    public string Write(string relative, string text)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Creates a key file with keygen and returns its path and key id.</summary>
    public async Task<(string Path, string KeyId)> KeygenAsync(string name)
    {
        var path = PathOf(name);
        var run = await RunOkAsync("keygen", "--out", path);
        var keyId = run.Out.Split(' ', '\n').SkipWhile(w => w != "key").Skip(1).First();
        return (path, keyId);
    }

    /// <summary>The single payload file (not meta.json) under a destination folder.</summary>
    public static string SinglePayload(string dest, string? policy = null) =>
        Assert.Single(Directory.GetFiles(policy is null ? dest : Path.Combine(dest, policy), "*.tar*", SearchOption.AllDirectories),
            f => !f.EndsWith(".meta.json", StringComparison.Ordinal));

    /// <summary>The permission bits of a file (owner read/write on Windows, where they do not exist).</summary>
    public static UnixFileMode ModeOf(string path) =>
        OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserWrite : File.GetUnixFileMode(path);

    /// <summary>Entry names and bytes of a plain .tar.gz, in order.</summary>
    public static List<(string Name, byte[] Data)> ReadTarGz(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var entries = new List<(string, byte[])>();
        while (tar.GetNextEntry() is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            entries.Add((entry.Name, data.ToArray()));
        }

        return entries;
    }

    public void Dispose() => _root.Delete(recursive: true);
}
