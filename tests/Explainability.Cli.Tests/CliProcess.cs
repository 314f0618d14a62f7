using System.Diagnostics;

namespace Explainability.Cli.Tests;

/// <summary>One run of the command line as a child process (the built <c>explainability.dll</c>), for what an in-process
/// <see cref="CliRun"/> cannot give it: an environment of its own.</summary>
internal static class CliProcess
{
    /// <summary>Starts <c>explainability ARGS</c> (the built <c>explainability.dll</c> beside the test binaries, run by the
    /// same <c>dotnet</c> host) with standard output and error redirected, in <paramref name="workingDirectory"/> (null:
    /// this one) with <paramref name="environment"/> added to this process's.</summary>
    public static Process Start(string? workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "explainability.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project references Explainability.Cli, whose build puts it there");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (string arg in (string[])["exec", dll, .. args])
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
    }

    /// <summary>Runs <c>explainability ARGS</c> as <see cref="Start"/> does and waits at most 2 minutes for it to exit.</summary>
    public static async Task<CliRun> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"explainability {string.Join(' ', args)} did not exit within 2 minutes");
        }

        return new CliRun(process.ExitCode, await output, await error);
    }
}
