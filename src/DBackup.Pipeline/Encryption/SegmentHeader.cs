using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DBackup.Pipeline.Encryption;

/// <summary>
/// Header of an encrypted payload (format v1, algorithm <c>AES-256-GCM-SEG</c>). Self-describing, so a file
/// decrypts without its meta.json.
/// </summary>
/// <remarks>
/// Layout (big-endian): magic <c>"DBKENC"</c> (6) | version 1 (1) | algorithm 1 (1) | segment size (4) |
/// nonce prefix (7) | keyId length n (1) | keyId ASCII (n) | wrap nonce (12) | wrapped data key (32) | wrap tag (16).
/// The data key is wrapped with AES-GCM under the profile key, with every byte before the wrap nonce as AAD.
/// Each segment is sealed with the data key, nonce = prefix | counter (4) | last flag (1), and the whole
/// header as AAD, so header tampering, reordering, truncation and appended data all fail authentication.
/// </remarks>
internal sealed class SegmentHeader
{
    public const string AlgorithmName = "AES-256-GCM-SEG";
    public const int DefaultSegmentSize = 64 * 1024;
    public const int MinSegmentSize = 1024;
    public const int MaxSegmentSize = 16 * 1024 * 1024;
    public const int TagSize = 16;
    public const int NoncePrefixSize = 7;
    public const int WrapNonceSize = 12;
    public const int WrappedBlobSize = WrapNonceSize + EncryptionKey.KeySize + TagSize;
    public const int MaxKeyIdLength = 64;
    public const int FixedPrefixSize = 20;
    private const byte Version = 1;
    private const byte AlgorithmId = 1;

    public static ReadOnlySpan<byte> Magic => "DBKENC"u8;

    private SegmentHeader(byte[] bytes, string keyId, int segmentSize, byte[] noncePrefix)
    {
        Bytes = bytes;
        KeyId = keyId;
        SegmentSize = segmentSize;
        NoncePrefix = noncePrefix;
    }

    /// <summary>The exact header bytes (also the AAD of every segment).</summary>
    public byte[] Bytes { get; }

    public string KeyId { get; }

    public int SegmentSize { get; }

    public byte[] NoncePrefix { get; }

    /// <summary>Wrap nonce | wrapped key | tag, as repeated in meta.json.</summary>
    public ReadOnlySpan<byte> WrappedBlob => Bytes.AsSpan(Bytes.Length - WrappedBlobSize);

    public EncryptionInfo ToInfo(string? profile) => new()
    {
        Enabled = true,
        Algorithm = AlgorithmName,
        KeyId = KeyId,
        Profile = profile,
        WrappedKey = Convert.ToBase64String(WrappedBlob),
        NoncePrefix = Convert.ToBase64String(NoncePrefix),
        SegmentSize = SegmentSize,
    };

    /// <summary>Creates a header with a fresh random data key, returned in <paramref name="dataKey"/> (caller zeroes it).</summary>
    public static SegmentHeader Create(EncryptionKey profileKey, int segmentSize, out byte[] dataKey)
    {
        ValidateSegmentSize(segmentSize);
        var keyId = Encoding.ASCII.GetBytes(profileKey.KeyId);
        var bytes = new byte[FixedPrefixSize + keyId.Length + WrappedBlobSize];
        Magic.CopyTo(bytes);
        bytes[6] = Version;
        bytes[7] = AlgorithmId;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), segmentSize);
        var noncePrefix = RandomNumberGenerator.GetBytes(NoncePrefixSize);
        noncePrefix.CopyTo(bytes, 12);
        bytes[19] = (byte)keyId.Length;
        keyId.CopyTo(bytes, FixedPrefixSize);

        var aadLength = FixedPrefixSize + keyId.Length;
        var wrapNonce = bytes.AsSpan(aadLength, WrapNonceSize);
        RandomNumberGenerator.Fill(wrapNonce);
        dataKey = RandomNumberGenerator.GetBytes(EncryptionKey.KeySize);
        var profileBytes = profileKey.ExportBytes();
        try
        {
            using var wrap = new AesGcm(profileBytes, TagSize);
            wrap.Encrypt(wrapNonce, dataKey, bytes.AsSpan(aadLength + WrapNonceSize, EncryptionKey.KeySize),
                bytes.AsSpan(aadLength + WrapNonceSize + EncryptionKey.KeySize, TagSize), bytes.AsSpan(0, aadLength));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(profileBytes);
        }

        return new SegmentHeader(bytes, profileKey.KeyId, segmentSize, noncePrefix);
    }

    /// <summary>Reads and checks a header from the start of a stream (the magic must be next).</summary>
    public static async Task<SegmentHeader> ReadAsync(Stream stream, CancellationToken ct)
    {
        var prefix = new byte[FixedPrefixSize];
        await ReadExactAsync(stream, prefix, "header", ct).ConfigureAwait(false);
        if (!prefix.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidBackupException("the payload is not an encrypted dbackup file (bad magic)");
        }

        if (prefix[6] != Version || prefix[7] != AlgorithmId)
        {
            throw new InvalidBackupException($"the encrypted payload has format version {prefix[6]}/algorithm {prefix[7]}; this build reads version 1 (AES-256-GCM-SEG)");
        }

        var segmentSize = BinaryPrimitives.ReadInt32BigEndian(prefix.AsSpan(8));
        if (segmentSize is < MinSegmentSize or > MaxSegmentSize)
        {
            throw new InvalidBackupException($"the encrypted payload header has an invalid segment size ({segmentSize})");
        }

        var keyIdLength = prefix[19];
        if (keyIdLength is 0 or > MaxKeyIdLength)
        {
            throw new InvalidBackupException("the encrypted payload header has an invalid key id length");
        }

        var bytes = new byte[FixedPrefixSize + keyIdLength + WrappedBlobSize];
        prefix.CopyTo(bytes, 0);
        await ReadExactAsync(stream, bytes.AsMemory(FixedPrefixSize), "header", ct).ConfigureAwait(false);
        var keyIdBytes = bytes.AsSpan(FixedPrefixSize, keyIdLength);
        foreach (var b in keyIdBytes)
        {
            if (b is < 0x21 or > 0x7e)
            {
                throw new InvalidBackupException("the encrypted payload header has an invalid key id");
            }
        }

        return new SegmentHeader(bytes, Encoding.ASCII.GetString(keyIdBytes), segmentSize, prefix[12..19]);
    }

    /// <summary>Unwraps the data key with the matching profile key; fails if the header was altered.</summary>
    public byte[] UnwrapDataKey(KeyRing keys)
    {
        var profileKey = keys.Get(KeyId);
        var aadLength = Bytes.Length - WrappedBlobSize;
        var blob = WrappedBlob;
        var dataKey = new byte[EncryptionKey.KeySize];
        var profileBytes = profileKey.ExportBytes();
        try
        {
            using var wrap = new AesGcm(profileBytes, TagSize);
            wrap.Decrypt(blob[..WrapNonceSize], blob.Slice(WrapNonceSize, EncryptionKey.KeySize),
                blob[(WrapNonceSize + EncryptionKey.KeySize)..], dataKey, Bytes.AsSpan(0, aadLength));
            return dataKey;
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new InvalidBackupException($"the data key in the payload header does not authenticate with key {KeyId}: the header was altered or the key is wrong", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(profileBytes);
        }
    }

    public static void ValidateSegmentSize(int segmentSize)
    {
        if (segmentSize is < MinSegmentSize or > MaxSegmentSize)
        {
            throw new ArgumentOutOfRangeException(nameof(segmentSize), segmentSize, $"The segment size must be between {MinSegmentSize} and {MaxSegmentSize} bytes.");
        }
    }

    /// <summary>Builds the nonce of segment <paramref name="counter"/>.</summary>
    public void FillNonce(Span<byte> nonce, long counter, bool last)
    {
        if (counter > uint.MaxValue)
        {
            throw new InvalidOperationException("The payload has more segments than the format allows.");
        }

        NoncePrefix.CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[NoncePrefixSize..], (uint)counter);
        nonce[NoncePrefixSize + 4] = last ? (byte)1 : (byte)0;
    }

    private static async Task ReadExactAsync(Stream stream, Memory<byte> buffer, string what, CancellationToken ct)
    {
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (read < buffer.Length)
        {
            throw new InvalidBackupException($"the encrypted payload is truncated (incomplete {what})");
        }
    }
}
