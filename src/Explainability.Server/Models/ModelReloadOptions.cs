namespace Explainability.Server.Models;

/// <summary>Settings of hot reload (<see cref="ModelDirectoryWatcher"/>): which directory is watched, how often it is
/// scanned besides file-system events, and how long a model folder must stay unchanged before it is loaded.</summary>
public sealed record ModelReloadOptions
{
    /// <summary>The models directory served (as given to <see cref="ModelRegistry.LoadDirectory"/>).</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// How often the directory is scanned even without a file-system event (FileSystemWatcher misses events on some
    /// filesystems: network shares, some container mounts); also the longest a change waits to be noticed there.
    /// Default <see cref="DefaultPollInterval"/>.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = DefaultPollInterval;

    /// <summary>
    /// How long every file of a changed model folder must stay as it is (same names, sizes and write times) before the folder
    /// is loaded: files are copied in pieces, and a half-written ONNX file is not to be tried. Default
    /// <see cref="DefaultSettleTime"/>.
    /// </summary>
    public TimeSpan SettleTime { get; init; } = DefaultSettleTime;

    /// <summary>The default <see cref="PollInterval"/> (and of <c>serve --reload-interval</c>): 2 s.</summary>
    public static TimeSpan DefaultPollInterval { get; } = TimeSpan.FromSeconds(2);

    /// <summary>The default <see cref="SettleTime"/> (and of <c>serve --reload-settle</c>): 500 ms.</summary>
    public static TimeSpan DefaultSettleTime { get; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Throws unless the directory is named and both times are positive.</summary>
    /// <exception cref="ArgumentException">The directory is empty, or a time is zero or negative; the message names it.</exception>
    public ModelReloadOptions Validated()
    {
        if (string.IsNullOrWhiteSpace(Directory))
        {
            throw new ArgumentException("ModelReloadOptions.Directory must name the models directory, got an empty path");
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ModelReloadOptions.PollInterval must be positive, got {PollInterval.TotalMilliseconds} ms");
        }

        if (SettleTime <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ModelReloadOptions.SettleTime must be positive, got {SettleTime.TotalMilliseconds} ms");
        }

        return this;
    }
}
