using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Tests.Support;

namespace DBackup.Pipeline.Tests.Encryption;

public sealed class SegmentCipherTests
{
    private const int Segment = 1024;
    private static readonly EncryptionKey Key = PipelineSome.Key(1);
    private static readonly EncryptionKey Other = PipelineSome.Key(2);

    internal static byte[] Encrypt(byte[] plain, EncryptionKey key, int segmentSize = Segment)
    {
        var output = new MemoryStream();
        using (var cipher = new EncryptingStream(output, key, segmentSize, leaveOpen: true))
        {
            // Odd-sized writes exercise the buffering across segment boundaries.
            for (var offset = 0; offset < plain.Length; offset += 333)
            {
                cipher.Write(plain, offset, Math.Min(333, plain.Length - offset));
            }

            cipher.Finish();
        }

        return output.ToArray();
    }

    internal static async Task<byte[]> DecryptAsync(byte[] data, KeyRing keys)
    {
        await using var plain = await DecryptingStream.OpenAsync(new MemoryStream(data), keys, default);
        var output = new MemoryStream();
        await plain.CopyToAsync(output);
        return output.ToArray();
    }

    private static int HeaderLength(byte[] data) => SegmentHeader.FixedPrefixSize + data[19] + SegmentHeader.WrappedBlobSize;

    private static byte[] Plain(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 31 + 7)).ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Segment - 1)]
    [InlineData(Segment)]
    [InlineData(Segment + 1)]
    [InlineData(3 * Segment)]
    [InlineData(10 * Segment + 17)]
    public async Task Decrypt_ReturnsPlaintext_ForAnyLength(int length)
    {
        var plain = new byte[length];
        new Random(length).NextBytes(plain);

        var data = Encrypt(plain, Key);

        Assert.Equal(plain, await DecryptAsync(data, new KeyRing(Key)));
        var segments = Math.Max(1, (length + Segment - 1) / Segment);
        Assert.Equal(HeaderLength(data) + length + segments * SegmentHeader.TagSize, data.Length);
    }

    [Fact]
    public async Task Decrypt_Fails_WhenAnyHeaderByteIsFlipped()
    {
        var data = Encrypt(Plain(2500), Key);
        for (var i = 0; i < HeaderLength(data); i++)
        {
            var copy = (byte[])data.Clone();
            copy[i] ^= 0x01;
            await Assert.ThrowsAsync<InvalidBackupException>(() => DecryptAsync(copy, new KeyRing(Key)));
        }
    }

    [Theory]
    [InlineData("first segment", 0)]
    [InlineData("middle segment", 2)]
    [InlineData("last segment", 4)]
    public async Task Decrypt_Fails_WhenASegmentOrItsTagIsFlipped(string region, int segment)
    {
        var data = Encrypt(Plain(4 * Segment + 100), Key);
        var start = HeaderLength(data) + segment * (Segment + SegmentHeader.TagSize);
        var sealedLength = segment == 4 ? 100 + SegmentHeader.TagSize : Segment + SegmentHeader.TagSize;
        foreach (var offset in new[] { 0, sealedLength / 2, sealedLength - SegmentHeader.TagSize, sealedLength - 1 })
        {
            var copy = (byte[])data.Clone();
            copy[start + offset] ^= 0x80;
            var ex = await Assert.ThrowsAsync<InvalidBackupException>(() => DecryptAsync(copy, new KeyRing(Key)));
            Assert.Contains($"segment {segment}", ex.Message, StringComparison.Ordinal);
        }

        Assert.NotEmpty(region);
    }

    [Fact]
    public async Task Decrypt_Fails_WhenTruncatedAnywhere()
    {
        var data = Encrypt(Plain(3 * Segment + 10), Key);
        var header = HeaderLength(data);
        var segment = Segment + SegmentHeader.TagSize;
        foreach (var length in new[] { 0, 5, header - 1, header, header + 1, header + segment, header + 2 * segment, header + 3 * segment, data.Length - 1 })
        {
            await Assert.ThrowsAsync<InvalidBackupException>(() => DecryptAsync(data[..length], new KeyRing(Key)));
        }
    }

    [Fact]
    public async Task Decrypt_Fails_WhenSegmentsAreReorderedDroppedOrDuplicated()
    {
        var data = Encrypt(Plain(3 * Segment + 10), Key);
        var header = HeaderLength(data);
        var size = Segment + SegmentHeader.TagSize;
        byte[] Seg(int i) => data.AsSpan(header + i * size, size).ToArray();
        var head = data[..header];
        var last = data[(header + 3 * size)..];

        byte[][] variants =
        [
            [.. head, .. Seg(1), .. Seg(0), .. Seg(2), .. last], // reordered
            [.. head, .. Seg(0), .. Seg(2), .. last],            // dropped
            [.. head, .. Seg(0), .. Seg(1), .. Seg(1), .. Seg(2), .. last], // duplicated
            [.. data, .. new byte[] { 1, 2, 3 }],                // appended garbage
            [.. data, .. last],                                  // appended copy of the final segment
        ];
        foreach (var variant in variants)
        {
            await Assert.ThrowsAsync<InvalidBackupException>(() => DecryptAsync(variant, new KeyRing(Key)));
        }
    }

    [Fact]
    public async Task Decrypt_Fails_WhenSegmentsComeFromAnotherFileWithTheSameKey()
    {
        var a = Encrypt(Plain(2 * Segment + 5), Key);
        var b = Encrypt(Plain(2 * Segment + 5), Key);
        var header = HeaderLength(a);
        var spliced = a[..header].Concat(b[header..]).ToArray();

        await Assert.ThrowsAsync<InvalidBackupException>(() => DecryptAsync(spliced, new KeyRing(Key)));
    }

    [Fact]
    public async Task Decrypt_NamesExpectedAndOfferedKeyIds_WhenKeyIsWrong()
    {
        var data = Encrypt(Plain(10), Key);

        var ex = await Assert.ThrowsAsync<InvalidBackupException>(() => DecryptAsync(data, new KeyRing(Other)));

        Assert.Contains(Key.KeyId, ex.Message, StringComparison.Ordinal);
        Assert.Contains(Other.KeyId, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Key.ExportBytes()), ex.Message, StringComparison.Ordinal);
        var none = await Assert.ThrowsAsync<InvalidBackupException>(() => DecryptAsync(data, KeyRing.Empty));
        Assert.Contains("no key was given", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decrypt_PicksPreviousKeyByKeyId_FromRing()
    {
        var data = Encrypt(Plain(5000), Other);

        Assert.Equal(Plain(5000), await DecryptAsync(data, new KeyRing(Key, Other)));
    }

    [Fact]
    public void KeyRing_ToString_ShowsKeyIdsOnly()
    {
        var ring = new KeyRing(Key, Other, Key);

        Assert.Equal($"KeyRing({Key.KeyId}, {Other.KeyId})", ring.ToString());
        Assert.Equal(2, ring.Count);
        Assert.Same(Key, ring.Current);
    }

    [Fact]
    public void Encrypt_UsesFreshDataKeyAndNonce_EachTime()
    {
        var plain = Plain(100);

        var a = Encrypt(plain, Key);
        var b = Encrypt(plain, Key);

        Assert.NotEqual(a, b);
        Assert.Equal(a.Length, b.Length);
    }

    [Theory]
    [InlineData(1023)]
    [InlineData(16 * 1024 * 1024 + 1)]
    public void Encrypt_RejectsSegmentSize_OutOfRange(int size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EncryptingStream(new MemoryStream(), Key, size));
}
