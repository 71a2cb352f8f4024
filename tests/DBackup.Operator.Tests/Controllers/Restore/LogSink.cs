using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DBackup.Operator.Tests.Controllers.Restore;

/// <summary>One collection of formatted log lines (with scopes and exceptions) for every logger of a test.</summary>
internal sealed class LogSink
{
    private readonly ConcurrentQueue<string> _lines = new();

    public string Text => string.Join('\n', _lines);

    public ILogger<T> For<T>() => new Logger<T>(_lines);

    private sealed class Logger<T>(ConcurrentQueue<string> lines) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue($"scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{typeof(T).Name} {logLevel}: {formatter(state, exception)} {exception}");
    }
}
