using System.Diagnostics;

namespace Explainability.Server.Tests;

/// <summary>
/// Headless Chromium (Debian package <c>chromium</c>, which <c>.ci/run</c> installs when absent) for the end-to-end tests
/// that assert on the DOM a real browser builds: no screenshot. Skips the calling test when Chromium is missing, unless
/// <see cref="RequireBrowserVariable"/> is <c>1</c> (as in CI), where that is a failure.
/// </summary>
internal static class HeadlessChromium
{
    /// <summary>Where the Debian package installs Chromium.</summary>
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>Set to <c>1</c> (as <c>.ci/run</c> does) to fail instead of skip when Chromium is missing.</summary>
    public const string RequireBrowserVariable = "EXPLAINABILITY_REQUIRE_BROWSER";

    /// <summary>The DOM Chromium built for <paramref name="url"/> (<c>http://</c> or <c>file://</c>), with a fresh profile and
    /// no network beyond the page.</summary>
    public static async Task<string> DumpDom(string url)
    {
        // `dotnet test` on a machine with only the .NET SDK reports these as skipped, saying why; .ci/run sets
        // EXPLAINABILITY_REQUIRE_BROWSER=1 (after installing Chromium), so in CI a missing browser is a failure.
        Skip.If(!File.Exists(Chromium) && Environment.GetEnvironmentVariable(RequireBrowserVariable) != "1",
            $"{Chromium} is missing: this end-to-end test needs headless Chromium (`apt-get install -y chromium` as root); set {RequireBrowserVariable}=1 to make its absence a failure");
        if (!File.Exists(Chromium))
        {
            Assert.Fail($"{Chromium} is missing: this end-to-end test needs headless Chromium. Install it with `apt-get install -y chromium` (as root; Debian package 'chromium'); .ci/run installs it when absent.");
        }

        string profile = Path.Combine(Path.GetTempPath(), "explainability-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        try
        {
            var info = new ProcessStartInfo(Chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string arg in (string[])[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile}", "--dump-dom", url])
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"Chromium did not finish loading {url} within 120 s: {await stderr}");
            }

            string dom = await stdout;
            Assert.True(process.ExitCode == 0 && dom.Length > 0, $"Chromium exited with {process.ExitCode} and {dom.Length} characters of DOM: {await stderr}");
            return dom;
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
