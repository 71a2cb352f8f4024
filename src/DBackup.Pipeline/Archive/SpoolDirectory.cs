using System.Security.Cryptography;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// A private temp folder (mode 0700, files 0600) for spooling archive entries. Everything in it is
/// encrypted with an ephemeral key that lives only in this object, so Secret values never reach the disk
/// in clear. <see cref="Dispose"/> removes the folder.
/// </summary>
internal sealed class SpoolDirectory : IDisposable
{
    private const UnixFileMode PrivateDirMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

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
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, PrivateDirMode);
        }

        return new SpoolDirectory(path);
    }

    public FileStream CreateFile(string name) => Open(name, FileMode.CreateNew, FileAccess.Write);

    public FileStream OpenRead(string name) => Open(name, FileMode.Open, FileAccess.Read);

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

    private FileStream Open(string name, FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions
        {
            Mode = mode,
            Access = access,
            Share = FileShare.Read,
            BufferSize = 0,
            Options = FileOptions.SequentialScan,
        };
        if (!OperatingSystem.IsWindows() && mode == FileMode.CreateNew)
        {
            options.UnixCreateMode = PrivateFileMode;
        }

        return new FileStream(System.IO.Path.Combine(Path, name), options);
    }
}
