using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Explainability.Benchmarks;

/// <summary>
/// <c>explainability serve</c> as deployed, in a process of its own (the CLI's <c>explainability.dll</c>, built beside the
/// benchmarks by their project reference, (referenced under an alias, so its types stay out of the benchmarks) run by the same <c>dotnet</c> host with the CLI's own runtime settings) on the
/// shipped models, its ledger on a temporary SQLite file deleted when it is disposed. The client measuring it then shares
/// no garbage collector, thread pool or JIT with it, as a consuming system would not.
/// </summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _ledgerFolder;

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _printed;

    private ServeProcess(Process process, int port, string ledgerFolder, System.Collections.Concurrent.ConcurrentQueue<string> printed)
    {
        _process = process;
        _printed = printed;
        Port = port;
        _ledgerFolder = ledgerFolder;
    }

    /// <summary>The gRPC port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The lines the server printed so far (standard output and error), in order within each.</summary>
    public IReadOnlyCollection<string> Printed => _printed;

    /// <summary>Starts <c>serve --port 0</c> and waits (at most 90 s) for its start line, which gives the port.</summary>
    /// <exception cref="FileNotFoundException">The CLI is not built beside the benchmarks.</exception>
    /// <exception cref="InvalidOperationException">The server exited before it served, or did not start in time; the
    /// message holds what it printed.</exception>
    public static async Task<ServeProcess> StartAsync()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "explainability.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is missing: the benchmark project references Explainability.Cli, whose build puts it there", dll);
        }

        string ledgerFolder = Path.Combine(Path.GetTempPath(), "explainability-latency-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(ledgerFolder);
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = ledgerFolder,
        };
        foreach (string arg in (string[])["exec", dll, "serve", "--port", "0", "--models", Path.Combine(LoopbackServer.RepoRoot(), "models"), "--ledger", Path.Combine(ledgerFolder, "ledger.db")])
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var printed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                printed.Enqueue(line);
                if (StartLine().Match(line) is { Success: true } m)
                {
                    started.TrySetResult(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                }
            }

            started.TrySetException(new InvalidOperationException($"serve exited before it served: {string.Join('\n', printed)}\n{await process.StandardError.ReadToEndAsync()}"));
        });
        _ = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                printed.Enqueue(line);
            }
        });
        if (await Task.WhenAny(started.Task, Task.Delay(TimeSpan.FromSeconds(90))) != started.Task)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"serve did not print its start line within 90 s: {string.Join('\n', printed)}");
        }

        return new ServeProcess(process, await started.Task, ledgerFolder, printed);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // SIGTERM first, as an orchestrator stops it: the server shuts down and closes its ledger; SIGKILL after 30 s.
        if (!_process.HasExited && (!OperatingSystem.IsLinux() || Terminate(_process.Id, 15) != 0
            || !_process.WaitForExit(TimeSpan.FromSeconds(30))))
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_ledgerFolder, recursive: true);
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Terminate(int pid, int signal);

    [GeneratedRegex(@"^Serving .* on http://127\.0\.0\.1:(\d+) ")]
    private static partial Regex StartLine();
}
