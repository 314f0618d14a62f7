using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Explainability.Cli.Tests;

/// <summary>
/// <c>explainability serve --port 0</c> as a child process (the built <c>explainability.dll</c> beside the test binaries,
/// run by the same <c>dotnet</c> host), so that a test can kill it for real. Its start line gives the port.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _drain;

    private ServerProcess(Process process, string startLine, Task drain)
    {
        _process = process;
        StartLine = startLine;
        Port = int.Parse(StartLinePattern().Match(startLine).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (MetricsPattern().Match(startLine) is { Success: true } metrics)
        {
            MetricsUrl = new Uri(metrics.Groups[1].Value);
        }

        _drain = drain;
    }

    public int Port { get; }

    /// <summary>The line the server printed when it started serving.</summary>
    public string StartLine { get; }

    /// <summary>The URL of <c>/metrics</c> the start line names, when started with <c>--metrics-port</c>.</summary>
    public Uri? MetricsUrl { get; }

    /// <summary>Whether the process has exited (or was killed).</summary>
    public bool HasExited => _process.HasExited;

    public string Address => $"http://127.0.0.1:{Port}";

    /// <summary>Starts the server on <paramref name="ledgerPath"/> with the shipped models and waits for its start line.</summary>
    public static Task<ServerProcess> StartAsync(string ledgerPath, params string[] extra) =>
        StartWithModelsAsync(Path.Combine(RepoRoot.Path, "models"), ledgerPath, extra);

    /// <summary>Starts the server on <paramref name="ledgerPath"/> with the models folder <paramref name="models"/>.</summary>
    public static Task<ServerProcess> StartWithModelsAsync(string models, string ledgerPath, params string[] extra) =>
        StartAsync(Path.GetDirectoryName(ledgerPath)!, models, ["--ledger", ledgerPath, .. extra], new Dictionary<string, string>());

    /// <summary>Starts the server on the PostgreSQL ledger <paramref name="connectionString"/> (without its password, which
    /// the server reads from <c>PGPASSWORD</c>, set to <paramref name="password"/> in its environment only) and waits for
    /// its start line.</summary>
    public static Task<ServerProcess> StartOnPostgresAsync(
        string workingDirectory, string connectionString, string? password, params string[] extra) =>
        StartAsync(
            workingDirectory,
            Path.Combine(RepoRoot.Path, "models"),
            ["--ledger-postgres", connectionString, .. extra],
            password is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["PGPASSWORD"] = password });

    private static async Task<ServerProcess> StartAsync(string workingDirectory, string models, string[] arguments, Dictionary<string, string> environment)
    {
        var process = CliProcess.Start(workingDirectory, environment, ["serve", "--port", "0", "--models", models, .. arguments]);
        var started = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var drain = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                log.Enqueue(line);
                if (StartLinePattern().IsMatch(line))
                {
                    started.TrySetResult(line);
                }
            }

            started.TrySetException(new InvalidOperationException(
                $"the server exited before it served: {string.Join("\n", log)}\n{await process.StandardError.ReadToEndAsync()}"));
        });
        var first = await Task.WhenAny(started.Task, Task.Delay(TimeSpan.FromSeconds(90)));
        if (first != started.Task)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the server did not print its start line within 90 s: {string.Join("\n", log)}");
        }

        return new ServerProcess(process, await started.Task, drain);
    }

    /// <summary>SIGKILL to the server and its children: no shutdown code runs, nothing is flushed.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        await _drain.ConfigureAwait(false);
        _process.Dispose();
    }

    [GeneratedRegex(@"^Serving .* on http://127\.0\.0\.1:(\d+) ")]
    private static partial Regex StartLinePattern();

    [GeneratedRegex(@"; metrics (http://[^ ;]+)")]
    private static partial Regex MetricsPattern();
}
