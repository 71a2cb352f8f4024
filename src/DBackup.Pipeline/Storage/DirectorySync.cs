using System.Runtime.InteropServices;

namespace DBackup.Pipeline.Storage;

/// <summary>
/// fsync of a directory, so that a rename survives a power loss. .NET cannot open a directory as a
/// FileStream, hence the direct libc calls; where they are unavailable the sync is skipped.
/// </summary>
internal static partial class DirectorySync
{
    // O_RDONLY | O_CLOEXEC: the descriptor must not leak into a child process started meanwhile.
    private static readonly int OpenFlags = OperatingSystem.IsMacOS() ? 0x1000000 : 0x80000;

    /// <summary>Syncs the directory entry table of <paramref name="folder"/>; returns false when not possible.</summary>
    public static bool TrySync(string folder)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return false;
        }

        try
        {
            var fd = Open(folder, OpenFlags);
            if (fd < 0)
            {
                return false;
            }

            try
            {
                return Fsync(fd) == 0;
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
