using System.Diagnostics;
using System.Globalization;

namespace DBackup.Operator.Cli;

/// <summary>
/// One self-overwriting status line on stderr, drawn only when stderr is a terminal and at most
/// a few times a second; silent when output is redirected so logs and pipes stay clean.
/// </summary>
internal sealed class Progress : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly CliContext _context;
    private readonly string _label;
    private readonly Stopwatch _since = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private TimeSpan _lastDraw = -Interval;
    private int _lastLength;
    private long _objects;
    private long _bytes;

    /// <summary>Starts a progress line labelled <paramref name="label"/>.</summary>
    public Progress(CliContext context, string label)
    {
        _context = context;
        _label = label;
    }

    /// <summary>Counts one more object.</summary>
    public void AddObject()
    {
        Interlocked.Increment(ref _objects);
        Draw(force: false);
    }

    /// <summary>Counts bytes moved.</summary>
    public void AddBytes(long count)
    {
        Interlocked.Add(ref _bytes, count);
        Draw(force: false);
    }

    /// <summary>Erases the line.</summary>
    public void Dispose()
    {
        if (!_context.ShowProgress || _lastLength == 0)
        {
            return;
        }

        lock (_gate)
        {
            _context.Err.Write("\r" + new string(' ', _lastLength) + "\r");
            _context.Err.Flush();
            _lastLength = 0;
        }
    }

    private void Draw(bool force)
    {
        if (!_context.ShowProgress)
        {
            return;
        }

        lock (_gate)
        {
            var now = _since.Elapsed;
            if (!force && now - _lastDraw < Interval)
            {
                return;
            }

            _lastDraw = now;
            var objects = Interlocked.Read(ref _objects);
            var text = string.Create(CultureInfo.InvariantCulture,
                $"{_label}: {(objects > 0 ? $"{objects} objects, " : string.Empty)}{Output.Size(Interlocked.Read(ref _bytes))}");
            _context.Err.Write("\r" + text.PadRight(_lastLength));
            _context.Err.Flush();
            _lastLength = text.Length;
        }
    }
}
