using System.CommandLine;
using DBackup.Pipeline.Encryption;

namespace DBackup.Operator.Cli;

/// <summary>
/// The <c>--key-file</c> option (repeatable: several candidate keys, picked by key id) and the
/// <c>DBACKUP_KEY</c> variable (the text of a key file).
/// </summary>
internal static class KeyOptions
{
    /// <summary>Creates a repeatable key-file option.</summary>
    public static Option<string[]> Create(string name = "--key-file", string description =
        "Key file written by 'dbackup keygen'; repeat to offer several keys (the backup's keyId picks one). Default: DBACKUP_KEY") =>
        new(name) { Description = description, HelpName = "FILE", Arity = ArgumentArity.ZeroOrMore };

    /// <summary>
    /// Loads the keys named by <paramref name="files"/>, then the one in <c>DBACKUP_KEY</c> if set.
    /// Returns an empty ring when there are none.
    /// </summary>
    /// <exception cref="CliException">A key file is missing or malformed (the message never echoes key text).</exception>
    public static KeyRing Load(CliContext context, IEnumerable<string>? files, bool includeEnvironment = true)
    {
        var keys = new List<EncryptionKey>();
        foreach (var file in files ?? [])
        {
            keys.Add(LoadFile(context, file));
        }

        if (includeEnvironment && context.Env(CliContext.KeyVariable) is { } text)
        {
            if (!EncryptionKey.TryParse(text, out var key, out var error))
            {
                throw new CliException($"{CliContext.KeyVariable} does not hold a valid key: {error}");
            }

            keys.Add(key);
        }

        return new KeyRing(keys);
    }

    /// <summary>Loads one key file, warning when others may read it.</summary>
    /// <exception cref="CliException">The file is missing or malformed.</exception>
    public static EncryptionKey LoadFile(CliContext context, string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read key file {file}: {ex.Message}", ExitCodes.Failure, ex);
        }

        if (!EncryptionKey.TryParse(text, out var key, out var error))
        {
            throw new CliException($"key file {file} is not valid: {error}");
        }

        if (!OperatingSystem.IsWindows()
            && (File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            context.Warn($"key file {file} can be read by other users; run: chmod 600 {file}");
        }

        return key;
    }
}
