using System.Text;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// Read-through stream in front of <see cref="System.Formats.Tar.TarReader"/> that follows the 512-byte tar
/// records and refuses metadata entries (PAX headers, GNU long names) larger than
/// <see cref="MaxMetadataBytes"/>: TarReader would otherwise buffer them whole, whatever their size.
/// </summary>
internal sealed class TarHeaderGuard(Stream inner) : ForwardOnlyStream
{
    public const int MaxMetadataBytes = 64 * 1024;
    private const int Record = 512;

    private readonly byte[] _header = new byte[Record];
    private int _headerFilled;
    private long _skip;
    private MemoryStream? _pax;
    private long? _nextSize;

    public override bool CanRead => true;

    public override bool CanWrite => false;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Observe(buffer[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Observe(buffer.Span[..n]);
        return n;
    }

    public override void Flush()
    {
    }

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void Observe(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            if (_skip > 0)
            {
                var n = (int)Math.Min(_skip, data.Length);
                _pax?.Write(data[..n]);
                _skip -= n;
                data = data[n..];
                if (_skip == 0 && _pax is not null)
                {
                    _nextSize = PaxSize(_pax.ToArray()) ?? _nextSize;
                    _pax = null;
                }

                continue;
            }

            var take = Math.Min(Record - _headerFilled, data.Length);
            data[..take].CopyTo(_header.AsSpan(_headerFilled));
            _headerFilled += take;
            data = data[take..];
            if (_headerFilled == Record)
            {
                _headerFilled = 0;
                OnHeader();
            }
        }
    }

    private void OnHeader()
    {
        if (_header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
        {
            return; // End-of-archive record.
        }

        var type = (char)_header[156];
        var size = ParseSize(_header.AsSpan(124, 12));
        if (type is 'x' or 'g' or 'L' or 'K')
        {
            if (size > MaxMetadataBytes)
            {
                throw new InvalidBackupException($"the archive has a {size}-byte tar metadata header (limit {MaxMetadataBytes})");
            }

            // Only a PAX header ('x') can override the size of the entry that follows; remember it.
            _pax = type == 'x' ? new MemoryStream() : null;
        }
        else
        {
            size = _nextSize ?? size;
            _nextSize = null;
        }

        _skip = (size + Record - 1) / Record * Record;
        if (_skip == 0 && _pax is not null)
        {
            _pax = null;
        }
    }

    private static long ParseSize(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            long value = field[0] & 0x7f;
            foreach (var b in field[1..])
            {
                value = checked((value << 8) | b);
            }

            return value;
        }

        long octal = 0;
        foreach (var b in field)
        {
            if (b is (byte)' ' or 0)
            {
                if (octal > 0)
                {
                    break;
                }

                continue;
            }

            if (b is < (byte)'0' or > (byte)'7')
            {
                throw new InvalidBackupException("the archive has a tar header with an invalid size field");
            }

            octal = checked((octal * 8) + (b - '0'));
        }

        return octal;
    }

    // PAX records are "<length> <key>=<value>\n".
    private static long? PaxSize(byte[] data)
    {
        foreach (var record in Encoding.UTF8.GetString(data).Split('\n'))
        {
            var space = record.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && record[(space + 1)..].StartsWith("size=", StringComparison.Ordinal)
                && long.TryParse(record[(space + 6)..], System.Globalization.CultureInfo.InvariantCulture, out var size) && size >= 0)
            {
                return size;
            }
        }

        return null;
    }
}
