using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Explainability.Server.Tests.Auth;

/// <summary>Keeps every log entry a server writes: its category, level, formatted message and structured values.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    public sealed record LogEntry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, string> Values, string? Exception)
    {
        /// <summary>Everything of the entry a log sink could write.</summary>
        public string AllText => $"{Category} {Message} {string.Join(' ', Values.Select(v => $"{v.Key}={v.Value}"))} {Exception}";
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "", StringComparer.Ordinal)
                : new Dictionary<string, string>(StringComparer.Ordinal);
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), values, exception?.ToString()));
        }
    }
}
