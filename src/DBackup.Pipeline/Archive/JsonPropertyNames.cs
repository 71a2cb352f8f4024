using System.Buffers;
using System.Text;
using System.Text.Json;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// Finds a property name that appears twice in one JSON object, during a single <see cref="Utf8JsonReader"/> pass:
/// the caller reports each object start, property name and object end. Names are compared unescaped, as bytes.
/// </summary>
/// <remarks>
/// Cheap for the objects Kubernetes has (a handful of keys each): an object's first <see cref="LinearLimit"/>
/// names are compared as they arrive by a per-process randomized hash, then bytes. A larger object (a ConfigMap
/// with thousands of keys) is checked once at its end by sorting its hashes, so hostile input cannot make the
/// check quadratic. One instance per thread is reused; its buffers hold only the names of the open objects.
/// </remarks>
internal sealed class JsonPropertyNames
{
    private const int LinearLimit = 16;
    private const int KeepBytes = 64 * 1024;

    [ThreadStatic]
    private static JsonPropertyNames? t_instance;

    private byte[] _bytes = new byte[1024];
    private int _used;
    private Name[] _names = new Name[64];
    private int _count;
    private Frame[] _frames = new Frame[16];
    private int _depth;

    /// <summary>This thread's instance, emptied.</summary>
    public static JsonPropertyNames ForThisThread()
    {
        var names = t_instance ??= new JsonPropertyNames();
        names._used = names._count = names._depth = 0;
        if (names._bytes.Length > KeepBytes)
        {
            // Do not keep the buffers of one huge document alive for the life of the thread.
            names._bytes = new byte[1024];
            names._names = new Name[64];
        }

        return names;
    }

    /// <summary>An object starts.</summary>
    public void Enter()
    {
        if (_depth == _frames.Length)
        {
            Array.Resize(ref _frames, _depth * 2);
        }

        _frames[_depth++] = new Frame(_count, _used);
    }

    /// <summary>Adds the property name the reader is on; returns the name if the current object already has it.</summary>
    /// <exception cref="InvalidOperationException">The name has an escaped surrogate without its pair.</exception>
    public string? Add(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (_used + raw.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + raw.Length));
        }

        var target = _bytes.AsSpan(_used);
        int length;
        if (reader.ValueIsEscaped)
        {
            length = reader.CopyString(target);
        }
        else
        {
            raw.CopyTo(target);
            length = raw.Length;
        }

        var name = target[..length];
        var hash = HashOf(name);
        var frame = _frames[_depth - 1];
        if (_count - frame.FirstName < LinearLimit)
        {
            for (var i = frame.FirstName; i < _count; i++)
            {
                if (_names[i].Hash == hash && BytesOf(i).SequenceEqual(name))
                {
                    return Encoding.UTF8.GetString(name);
                }
            }
        }

        if (_count == _names.Length)
        {
            Array.Resize(ref _names, _count * 2);
        }

        _names[_count++] = new Name(hash, _used, length);
        _used += length;
        return null;
    }

    /// <summary>The current object ends; returns a name it holds twice, if any.</summary>
    public string? Exit()
    {
        var frame = _frames[--_depth];
        var count = _count - frame.FirstName;
        string? duplicate = null;
        if (count > LinearLimit)
        {
            duplicate = FindDuplicateBySorting(frame.FirstName, count);
        }

        _count = frame.FirstName;
        _used = frame.FirstByte;
        return duplicate;
    }

    private string? FindDuplicateBySorting(int first, int count)
    {
        var keys = ArrayPool<long>.Shared.Rent(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                keys[i] = ((long)_names[first + i].Hash << 32) | (uint)(first + i);
            }

            var sorted = keys.AsSpan(0, count);
            sorted.Sort();
            for (var run = 0; run < count;)
            {
                var end = run + 1;
                while (end < count && (int)(sorted[end] >> 32) == (int)(sorted[run] >> 32))
                {
                    end++;
                }

                // Equal hashes are rare with a randomized hash; compare every pair of the (tiny) run.
                for (var a = run; a < end; a++)
                {
                    for (var b = a + 1; b < end; b++)
                    {
                        if (BytesOf((int)sorted[a]).SequenceEqual(BytesOf((int)sorted[b])))
                        {
                            return Encoding.UTF8.GetString(BytesOf((int)sorted[a]));
                        }
                    }
                }

                run = end;
            }

            return null;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(keys);
        }
    }

    private ReadOnlySpan<byte> BytesOf(int index) => _bytes.AsSpan(_names[index].Start, _names[index].Length);

    private static int HashOf(ReadOnlySpan<byte> name)
    {
        var hash = default(HashCode);
        hash.AddBytes(name);
        return hash.ToHashCode();
    }

    private readonly record struct Name(int Hash, int Start, int Length);

    private readonly record struct Frame(int FirstName, int FirstByte);
}
