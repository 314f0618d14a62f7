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

    private ServerProcess(Process process, int port, string startLine, Task drain)
    {
        _process = process;
        Port = port;
        StartLine = startLine;
        _drain = drain;
    }

    public int Port { get; }

    /// <summary>The line the server printed on start (<c>Serving ...</c>).</summary>
    public string StartLine { get; }

    public string Address => $"http://127.0.0.1:{Port}";

    /// <summary>Starts the server on <paramref name="ledgerPath"/> with the shipped models and waits for its start line.</summary>
    public static Task<ServerProcess> StartAsync(string ledgerPath, params string[] extra) =>
        StartWithModelsAsync(Path.Combine(RepoRoot.Path, "models"), ledgerPath, extra);

    /// <summary>Starts the server on <paramref name="ledgerPath"/> with the models folder <paramref name="models"/>.</summary>
    public static async Task<ServerProcess> StartWithModelsAsync(string models, string ledgerPath, params string[] extra)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "explainability.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project references Explainability.Cli, whose build puts it there");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ledgerPath)!,
        };
        foreach (string arg in (string[])["exec", dll, "serve", "--port", "0", "--models", models, "--ledger", ledgerPath, .. extra])
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var started = new TaskCompletionSource<(int Port, string Line)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var drain = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                log.Enqueue(line);
                if (StartLinePattern().Match(line) is { Success: true } m)
                {
                    started.TrySetResult((int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), line));
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

        var (port, startLine) = await started.Task;
        return new ServerProcess(process, port, startLine, drain);
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
}
