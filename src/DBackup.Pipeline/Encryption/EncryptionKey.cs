using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace DBackup.Pipeline.Encryption;

/// <summary>
/// A 256-bit profile key. Its text form is what <c>dbackup keygen</c> writes to a key file and
/// what a Kubernetes Secret holds, so <c>kubectl create secret generic k --from-file=key=backup.key</c> works.
/// </summary>
/// <remarks>
/// Text form: optional <c>#</c> comment lines, then one line <c>dbackup-key-v1:&lt;base64 of 32 bytes&gt;</c>.
/// Surrounding whitespace is ignored. <see cref="KeyId"/> is a fingerprint that reveals nothing about the
/// key: the first 16 hex characters of SHA-256 over a domain-separation label and the key.
/// <see cref="ToString"/> never prints key material.
/// </remarks>
public sealed class EncryptionKey : IEquatable<EncryptionKey>
{
    /// <summary>Key length in bytes.</summary>
    public const int KeySize = 32;

    private const string Prefix = "dbackup-key-v1:";
    private static readonly byte[] KeyIdLabel = Encoding.ASCII.GetBytes("dbackup.io/key-id/v1\0");
    private readonly byte[] _key;

    private EncryptionKey(byte[] key)
    {
        _key = key;
        KeyId = ComputeKeyId(key);
    }

    /// <summary>Fingerprint of the key (16 lowercase hex characters).</summary>
    public string KeyId { get; }

    /// <summary>Creates a new random key from the system CSPRNG.</summary>
    public static EncryptionKey Generate() => new(RandomNumberGenerator.GetBytes(KeySize));

    /// <summary>Creates a key from raw bytes (copied).</summary>
    /// <exception cref="ArgumentException">The span is not exactly 32 bytes.</exception>
    public static EncryptionKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"An encryption key must be {KeySize} bytes, not {key.Length}.", nameof(key));
        }

        return new EncryptionKey(key.ToArray());
    }

    /// <summary>Parses the text of a key file.</summary>
    /// <exception cref="FormatException">The text is not a valid key file; the message says why without echoing the text.</exception>
    public static EncryptionKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var key, out var error) ? key : throw new FormatException(error);
    }

    /// <summary>Tries to parse the text of a key file.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out EncryptionKey? key) => TryParse(text, out key, out _);

    /// <summary>Tries to parse the text of a key file, returning a reason on failure.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out EncryptionKey? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        var lines = (text ?? string.Empty)
            .Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();
        if (lines.Count == 0)
        {
            error = "the key text is empty";
            return false;
        }

        if (lines.Count > 1)
        {
            error = "the key text has more than one key line";
            return false;
        }

        var line = lines[0];
        if (!line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = $"the key line does not start with '{Prefix}' (is this a key written by 'dbackup keygen'?)";
            return false;
        }

        var raw = new byte[KeySize + 3];
        if (!Convert.TryFromBase64String(line[Prefix.Length..], raw, out var written) || written != KeySize)
        {
            error = $"the key is not valid base64 of exactly {KeySize} bytes";
            return false;
        }

        key = new EncryptionKey(raw[..KeySize]);
        error = null;
        return true;
    }

    /// <summary>The key file text: a comment with the key id, then the key line, newline-terminated.</summary>
    public string ToFileText() =>
        $"# dbackup encryption key, keyId {KeyId}. Keep it secret and store it apart from the backups.\n{Prefix}{Convert.ToBase64String(_key)}\n";

    /// <summary>Copies the raw key bytes. Callers must not log or persist them unencrypted.</summary>
    public byte[] ExportBytes() => (byte[])_key.Clone();

    /// <summary>Computes the key id for raw key bytes.</summary>
    internal static string ComputeKeyId(ReadOnlySpan<byte> key)
    {
        Span<byte> input = stackalloc byte[KeyIdLabel.Length + key.Length];
        KeyIdLabel.CopyTo(input);
        key.CopyTo(input[KeyIdLabel.Length..]);
        return Convert.ToHexStringLower(SHA256.HashData(input))[..16];
    }

    /// <inheritdoc />
    public bool Equals(EncryptionKey? other) => other is not null && CryptographicOperations.FixedTimeEquals(_key, other._key);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as EncryptionKey);

    /// <inheritdoc />
    public override int GetHashCode() => KeyId.GetHashCode(StringComparison.Ordinal);

    /// <summary>Returns the key id only; never key material.</summary>
    public override string ToString() => $"EncryptionKey({KeyId})";
}
