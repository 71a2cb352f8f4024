using Amazon.S3;
using Amazon.S3.Model;

namespace DBackup.Pipeline.Storage;

/// <summary>
/// Write-only stream that turns what a writer produces into a multipart upload, holding one part in memory.
/// A payload smaller than one part becomes a single PutObject. The caller must call <see cref="CompleteAsync"/>
/// after the writer succeeded, or <see cref="AbortAsync"/> on any failure.
/// </summary>
internal sealed class S3UploadStream(IAmazonS3 client, string bucket, string key, int partSize, bool useChunkEncoding, bool withChecksums) : Stream
{
    /// <summary>Most parts S3 accepts in one multipart upload.</summary>
    public const int MaxParts = 10_000;

    private readonly byte[] buffer = new byte[partSize];
    private readonly List<PartETag> parts = [];
    private int buffered;
    private long written;

    /// <summary>Upload id once a multipart upload was started.</summary>
    public string? UploadId { get; private set; }

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => written;
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        while (!source.IsEmpty)
        {
            if (buffered == buffer.Length)
            {
                // Upload only once more data arrives, so a payload of exactly one part stays a single PutObject.
                await UploadBufferedPartAsync(isLast: false, cancellationToken).ConfigureAwait(false);
            }

            var count = Math.Min(source.Length, buffer.Length - buffered);
            source.Span[..count].CopyTo(buffer.AsSpan(buffered));
            buffered += count;
            written += count;
            source = source[count..];
        }
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> source)
    {
        // Synchronous writers (e.g. a sync GZipStream flush) block only when a full part has to go out.
        while (!source.IsEmpty)
        {
            if (buffered == buffer.Length)
            {
                UploadBufferedPartAsync(isLast: false, CancellationToken.None).GetAwaiter().GetResult();
            }

            var count = Math.Min(source.Length, buffer.Length - buffered);
            source[..count].CopyTo(buffer.AsSpan(buffered));
            buffered += count;
            written += count;
            source = source[count..];
        }
    }

    /// <inheritdoc />
    public override void Flush()
    {
        // Parts must be at least 5 MiB, so flushing cannot push data out early.
    }

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Stores what was written under the key; returns the byte count.</summary>
    public async Task<long> CompleteAsync(CancellationToken cancellationToken)
    {
        if (UploadId is null)
        {
            using var body = new MemoryStream(buffer, 0, buffered, writable: false);
            await client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                InputStream = body,
                AutoCloseStream = false,
                UseChunkEncoding = useChunkEncoding,
                ChecksumAlgorithm = withChecksums ? ChecksumAlgorithm.CRC32 : null,
                ContentType = "application/octet-stream",
            }, cancellationToken).ConfigureAwait(false);
            return written;
        }

        if (buffered > 0)
        {
            await UploadBufferedPartAsync(isLast: true, cancellationToken).ConfigureAwait(false);
        }

        await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = key,
            UploadId = UploadId,
            PartETags = parts,
        }, cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>Aborts a started multipart upload so no parts are left behind; never throws.</summary>
    /// <returns>False when the store refused or could not be reached; a bucket lifecycle rule then has to clean up.</returns>
    public async Task<bool> AbortAsync()
    {
        if (UploadId is null)
        {
            return true;
        }

        try
        {
            // Not the caller's token: the upload is being given up precisely because that token may have fired.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = UploadId,
            }, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is AmazonS3Exception or Amazon.Runtime.AmazonClientException or HttpRequestException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    private async Task UploadBufferedPartAsync(bool isLast, CancellationToken cancellationToken)
    {
        if (UploadId is null)
        {
            var started = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                ContentType = "application/octet-stream",
                ChecksumAlgorithm = withChecksums ? ChecksumAlgorithm.CRC32 : null,
            }, cancellationToken).ConfigureAwait(false);
            UploadId = started.UploadId;
        }

        var partNumber = parts.Count + 1;
        if (partNumber > MaxParts)
        {
            throw new InvalidOperationException(
                $"The upload of '{key}' needs more than {MaxParts} parts of {buffer.Length} bytes, the S3 limit; raise the part size.");
        }

        using var body = new MemoryStream(buffer, 0, buffered, writable: false);
        var response = await client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket,
            Key = key,
            UploadId = UploadId,
            PartNumber = partNumber,
            PartSize = buffered,
            InputStream = body,
            IsLastPart = isLast,
            UseChunkEncoding = useChunkEncoding,
            ChecksumAlgorithm = withChecksums ? ChecksumAlgorithm.CRC32 : null,
        }, cancellationToken).ConfigureAwait(false);
        parts.Add(new PartETag(response, copyChecksums: withChecksums) { PartNumber = partNumber });
        buffered = 0;
    }
}
