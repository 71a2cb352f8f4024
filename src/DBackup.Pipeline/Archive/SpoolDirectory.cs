using System.Security.Cryptography;
using DBackup.Pipeline.Storage;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// A private temp folder (mode 0700, files 0600) for spooling archive entries. Everything in it is
/// encrypted with an ephemeral key that lives only in this object, so Secret values never reach the disk
/// in clear. <see cref="Dispose"/> removes the folder.
/// </summary>
internal sealed class SpoolDirectory : IDisposable
{
    private SpoolDirectory(string path)
    {
        Path = path;
        Key = Encryption.EncryptionKey.Generate();
    }

    /// <summary>Prefix of spool folder names, so tests and operators can find leftovers.</summary>
    public const string NamePrefix = "dbackup-spool-";

    public string Path { get; }

    /// <summary>The ephemeral key (in memory only).</summary>
    public Encryption.EncryptionKey Key { get; }

    public static SpoolDirectory Create(string? root)
    {
        var parent = root ?? System.IO.Path.GetTempPath();
        var path = System.IO.Path.Combine(parent, NamePrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        LocalFiles.CreateFolders(path);
        return new SpoolDirectory(path);
    }

    public FileStream CreateFile(string name) =>
        LocalFiles.CreatePrivateFile(System.IO.Path.Combine(Path, name), FileShare.Read, FileOptions.SequentialScan, bufferSize: 0);

    public FileStream OpenRead(string name) => new(System.IO.Path.Combine(Path, name), new FileStreamOptions
    {
        Mode = FileMode.Open,
        Access = FileAccess.Read,
        Share = FileShare.Read,
        BufferSize = 0,
        Options = FileOptions.SequentialScan,
    });

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone: nothing to clean.
        }
    }
}
