using System.Runtime.InteropServices;
using DBackup.Pipeline.Encryption;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// Finds a repeated 128-bit path fingerprint in constant memory: fingerprints collect in a fixed buffer that is
/// sorted and spilled (encrypted, like all spool data) to the spool as a run when full; at the end the runs
/// are merged and adjacent equal values are duplicates. Memory is one buffer plus one segment per run.
/// </summary>
internal sealed class DuplicateDetector(SpoolDirectory spool, int runSize = DuplicateDetector.DefaultRunSize)
{
    public const int DefaultRunSize = 32 * 1024;
    private const int RunSegmentSize = 16 * 1024;

    private readonly UInt128[] _buffer = new UInt128[runSize];
    private int _count;
    private int _runs;

    public void Add(UInt128 fingerprint)
    {
        if (_count == _buffer.Length)
        {
            Spill();
        }

        _buffer[_count++] = fingerprint;
    }

    /// <summary>A fingerprint that was added more than once, or null.</summary>
    public async Task<UInt128?> FindDuplicateAsync(CancellationToken ct)
    {
        if (_runs == 0)
        {
            var span = _buffer.AsSpan(0, _count);
            span.Sort();
            for (var i = 1; i < span.Length; i++)
            {
                if (span[i] == span[i - 1])
                {
                    return span[i];
                }
            }

            return null;
        }

        if (_count > 0)
        {
            Spill();
        }

        var readers = new List<DecryptingStream>();
        try
        {
            var keys = new KeyRing(spool.Key);
            var queue = new PriorityQueue<int, UInt128>();
            var item = new byte[16];
            for (var run = 0; run < _runs; run++)
            {
                readers.Add(await DecryptingStream.OpenAsync(spool.OpenRead(RunName(run)), keys, ct).ConfigureAwait(false));
                if (await NextAsync(readers[run], item, ct).ConfigureAwait(false) is { } first)
                {
                    queue.Enqueue(run, first);
                }
            }

            UInt128? previous = null;
            while (queue.TryDequeue(out var run, out var value))
            {
                if (previous == value)
                {
                    return value;
                }

                previous = value;
                if (await NextAsync(readers[run], item, ct).ConfigureAwait(false) is { } next)
                {
                    queue.Enqueue(run, next);
                }
            }

            return null;
        }
        finally
        {
            foreach (var reader in readers)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static string RunName(int run) => $"paths-{run}.spool";

    private static async Task<UInt128?> NextAsync(DecryptingStream reader, byte[] item, CancellationToken ct)
    {
        var n = await reader.ReadAtLeastAsync(item, item.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        return n == item.Length ? MemoryMarshal.Read<UInt128>(item) : null;
    }

    private void Spill()
    {
        var span = _buffer.AsSpan(0, _count);
        span.Sort();
        using (var cipher = new EncryptingStream(spool.CreateFile(RunName(_runs)), spool.Key, RunSegmentSize))
        {
            cipher.Write(MemoryMarshal.AsBytes(span));
            cipher.Finish();
        }

        _runs++;
        _count = 0;
    }
}
