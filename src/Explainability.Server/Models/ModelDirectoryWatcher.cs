using System.Globalization;
using System.Text;
using Explainability.Core.Shap;
using Explainability.Server.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Explainability.Server.Models;

/// <summary>
/// Hot reload: watches a models directory and keeps a <see cref="ModelRegistry"/> in step with it while the server runs,
/// without a restart and without failing a request.
/// <list type="bullet">
/// <item>Changes are noticed by a <see cref="FileSystemWatcher"/> and, because it misses events on some filesystems, by a
/// scan every <see cref="ModelReloadOptions.PollInterval"/>. A model folder counts as changed when any file in it (any
/// depth: the card, the ONNX file, the background and reference rows) is added, removed, or changes size or write time.</item>
/// <item>A changed folder is loaded only once all its files have stayed unchanged for <see cref="ModelReloadOptions.SettleTime"/>,
/// so a file still being copied is not tried. Loading (ONNX session, card, background and reference rows, the background
/// run through the model once) happens on this watcher's own thread, never on a request's.</item>
/// <item>A folder that loads replaces the version served under its id in one atomic step
/// (<see cref="ModelRegistry.Serve"/>): requests already running finish on the old version, which is disposed after the last
/// of them; a new id is added. Logged at Information with the id and the old and new version and SHA-256.</item>
/// <item>A folder that does not load (unreadable ONNX, bad card, missing or malformed background) is refused: an error
/// naming the folder and the reason (the message names the file) is logged and the version being served stays. The folder
/// is tried again when its files change again, so a fixed file is picked up.</item>
/// <item>A model folder removed (or whose <c>model-card.json</c> is removed) stops being served once the removal has
/// settled: requests already running finish, later ones get <c>NotFound</c>; if another folder carries the same id, the
/// highest version among them is served instead.</item>
/// <item>Two folders with one id: a change inside the folder being served always replaces the served version (that is how
/// a version is rolled back); another folder takes over only with a higher card version (<see cref="ModelVersionOrder"/>);
/// a lower one is not served (a warning is logged) and an equal one is refused with an error, the current one kept. At start
/// <see cref="ModelRegistry.LoadDirectory"/> applies the same rule.</item>
/// </list>
/// Reloads are counted in <see cref="ExplainabilityMetrics"/> (<c>explainability_model_reloads_total</c> by outcome).
/// Runs as a hosted service of the server (<see cref="StartAsync"/>, <see cref="StopAsync"/>). Folder state is touched only by
/// the watcher's single loop.
/// </summary>
public sealed partial class ModelDirectoryWatcher : IHostedService, IDisposable
{
    private const string Removed = "(removed)";

    private readonly ModelRegistry _registry;
    private readonly ModelReloadOptions _options;
    private readonly ILogger<ModelDirectoryWatcher> _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Dictionary<string, FolderState> _folders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _servedFrom = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private FileSystemWatcher? _events;
    private Task? _loop;
    private long _scans;
    private int _disposed;

    /// <summary>A watcher keeping <paramref name="registry"/> in step with <see cref="ModelReloadOptions.Directory"/>; it
    /// starts watching on <see cref="StartAsync"/>. The registry's models loaded from that directory are the starting point.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public ModelDirectoryWatcher(ModelRegistry registry, ModelReloadOptions options, ILogger<ModelDirectoryWatcher> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(logger);
        _registry = registry;
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Validated();
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Scans done so far (each looks at every model folder once); a test waits for one to pass after a change.</summary>
    public long Scans => Interlocked.Read(ref _scans);

    /// <summary>Takes the current state of every model folder as the starting point (the folders the registry's models were
    /// loaded from count as served from there), then watches for changes on a background task.</summary>
    /// <exception cref="DirectoryNotFoundException">The models directory does not exist.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        string directory = Path.GetFullPath(_options.Directory);
        var loaded = _registry.Models.ToDictionary(m => Path.GetFullPath(m.Source), StringComparer.Ordinal);
        foreach (string folder in ModelRegistry.ModelFolders(directory).Select(Path.GetFullPath))
        {
            var state = new FolderState { Applied = Fingerprint(folder) };
            if (loaded.TryGetValue(folder, out var model))
            {
                state.Id = model.Id;
                state.Version = model.Version;
                _servedFrom[model.Id] = folder;
                if (!StillAsLoaded(folder, model))
                {
                    // Changed between the registry's load and now: loaded again once it settles.
                    state.Applied = "(changed since it was loaded)";
                }
            }
            else
            {
                // A folder the registry did not load (a lower version of a served id): remembered by its card, so that it
                // can take over when the folder served is removed.
                (state.Id, state.Version) = CardIdentity(folder);
            }

            _folders[folder] = state;
        }

        try
        {
            _events = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            _events.Changed += (_, _) => Wake();
            _events.Created += (_, _) => Wake();
            _events.Deleted += (_, _) => Wake();
            _events.Renamed += (_, _) => Wake();
            _events.Error += (_, _) => Wake();
            _events.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // E.g. the inotify watch limit is reached: the periodic scan still sees every change, only later.
            _events?.Dispose();
            _events = null;
            LogEventsUnavailable(directory, _options.PollInterval.TotalMilliseconds, e.Message);
        }

        LogWatching(directory, _options.PollInterval.TotalMilliseconds, _options.SettleTime.TotalMilliseconds, _events is not null);
        _loop = Task.Run(() => RunAsync(directory, _stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops watching; a load in progress finishes first (its model is served or disposed).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_events is not null)
        {
            _events.EnableRaisingEvents = false;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>Idempotent: the host's container may dispose it once per registration.</remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _events?.Dispose();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
        _wake.Dispose();
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (Exception e) when (e is SemaphoreFullException or ObjectDisposedException)
        {
        }
    }

    private async Task RunAsync(string directory, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TimeSpan wait = _options.PollInterval;
            try
            {
                wait = Scan(directory);
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                // The loop must outlive any one bad scan (a directory unmounted for a moment), or reload stops silently.
                LogScanFailed(e, directory, e.Message);
            }

            Interlocked.Increment(ref _scans);
            try
            {
                await _wake.WaitAsync(wait, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass over the model folders; returns how long to wait before the next (sooner while a change settles).</summary>
    private TimeSpan Scan(string directory)
    {
        long now = _time.GetTimestamp();
        var present = Directory.Exists(directory)
            ? ModelRegistry.ModelFolders(directory).Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal)
            : [];
        TimeSpan wait = _options.PollInterval;
        foreach (string folder in present.Union(_folders.Keys).Order(StringComparer.Ordinal).ToList())
        {
            string fingerprint = present.Contains(folder) ? Fingerprint(folder) : Removed;
            if (!_folders.TryGetValue(folder, out var state))
            {
                state = new FolderState { Applied = Removed };
                _folders[folder] = state;
            }

            if (fingerprint == state.Applied)
            {
                state.Pending = null;
                continue;
            }

            if (fingerprint != state.Pending)
            {
                state.Pending = fingerprint;
                state.PendingSince = now;
            }

            var settled = _time.GetElapsedTime(state.PendingSince, now);
            if (settled < _options.SettleTime)
            {
                var left = _options.SettleTime - settled;
                wait = left < wait ? left : wait;
                continue;
            }

            state.Applied = fingerprint;
            state.Pending = null;
            if (fingerprint == Removed)
            {
                _folders.Remove(folder);
                if (state.Id is { } id)
                {
                    ServedFolderGone(id, folder);
                }
            }
            else
            {
                Reload(folder, state);
            }
        }

        return wait < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : wait;
    }

    private void Reload(string folder, FolderState state)
    {
        var model = TryLoad(folder, state.Id);
        if (model is null)
        {
            return;
        }

        string? previousId = state.Id;
        state.Id = model.Id;
        state.Version = model.Version;
        if (previousId is not null && previousId != model.Id)
        {
            // The folder now carries another id: its old id is gone from here.
            ServedFolderGone(previousId, folder);
        }

        if (_servedFrom.TryGetValue(model.Id, out var servingFolder) && servingFolder != folder && _registry.Contains(model.Id))
        {
            var served = _registry.Get(model.Id);
            int order = ModelVersionOrder.Compare(model.Version, served.Version);
            if (order == 0)
            {
                LogSameVersion(folder, servingFolder, model.Id, model.Version);
                ExplainabilityMetrics.RecordReload(model.Id, ExplainabilityMetrics.ReloadFailed);
                model.Dispose();
                return;
            }

            if (order < 0)
            {
                LogLowerVersion(folder, model.Id, model.Version, served.Version, servingFolder);
                model.Dispose();
                return;
            }
        }
        else if (!_servedFrom.ContainsKey(model.Id) && _registry.Contains(model.Id)
            && ModelVersionOrder.Compare(model.Version, _registry.Get(model.Id).Version) <= 0)
        {
            // Served from elsewhere than this directory: the same rule, a folder here takes over only with a higher version.
            var served = _registry.Get(model.Id);
            LogLowerVersion(folder, model.Id, model.Version, served.Version, served.Source);
            model.Dispose();
            return;
        }

        ServeFrom(folder, model);
    }

    private void ServeFrom(string folder, LoadedModel model)
    {
        string id = model.Id, version = model.Version, sha = model.Sha256;
        var old = _registry.Serve(model);
        _servedFrom[id] = folder;
        ExplainabilityMetrics.RecordReload(id, ExplainabilityMetrics.ReloadLoaded);
        if (old is null)
        {
            LogAdded(id, version, sha, folder);
        }
        else
        {
            LogReloaded(id, old.Version, old.Sha256, version, sha, folder);
        }
    }

    /// <summary><paramref name="folder"/> no longer carries <paramref name="id"/>: when it was the one served, the highest
    /// version among the other folders carrying the id takes over, or the id is removed.</summary>
    private void ServedFolderGone(string id, string folder)
    {
        if (!_servedFrom.TryGetValue(id, out var serving) || serving != folder)
        {
            return;
        }

        _servedFrom.Remove(id);
        foreach (var (other, state) in _folders
            .Where(f => f.Key != folder && f.Value.Id == id && f.Value.Applied != Removed)
            .OrderByDescending(f => f.Value.Version ?? "", Comparer<string>.Create(ModelVersionOrder.Compare))
            .ToList())
        {
            var model = TryLoad(other, state.Id);
            if (model is null)
            {
                continue;
            }

            state.Version = model.Version;
            if (model.Id == id)
            {
                ServeFrom(other, model);
                return;
            }

            state.Id = model.Id;
            model.Dispose();
        }

        var removed = _registry.Remove(id);
        if (removed is not null)
        {
            ExplainabilityMetrics.RecordReload(id, ExplainabilityMetrics.ReloadRemoved);
            LogRemoved(id, removed.Version, removed.Sha256, folder);
        }
    }

    /// <summary>Whether the folder's card still has the loaded model's id and version and its ONNX file the loaded SHA-256.</summary>
    private static bool StillAsLoaded(string folder, LoadedModel model)
    {
        try
        {
            var card = Explainability.Views.ModelCards.ModelCardReader.Read(Path.Combine(folder, "model-card.json"));
            string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, card.ModelFile))));
            return card.Id == model.Id && card.Version == model.Version && sha == model.Sha256;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static (string? Id, string? Version) CardIdentity(string folder)
    {
        try
        {
            var card = Explainability.Views.ModelCards.ModelCardReader.Read(Path.Combine(folder, "model-card.json"));
            return (card.Id, card.Version);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return (null, null);
        }
    }

    private LoadedModel? TryLoad(string folder, string? knownId)
    {
        LoadedModel? model = null;
        try
        {
            model = LoadedModel.Load(folder);
            Warm(model);
            return model;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever a broken folder throws (ONNX Runtime, protobuf, JSON, CSV, I/O), the served version stays.
            model?.Dispose();
            ExplainabilityMetrics.RecordReload(knownId ?? Path.GetFileName(folder), ExplainabilityMetrics.ReloadFailed);
            LogRefused(e, folder, e.Message);
            return null;
        }
    }

    /// <summary>Reads now what a model would otherwise read on its first request: the reference rows (read lazily from the
    /// folder, which may have changed again by then), the view data hash, the background through the model and the
    /// path-dependent TreeSHAP preparation. A failure here refuses the model as a load failure does.</summary>
    private static void Warm(LoadedModel model)
    {
        _ = model.ViewDataSha256;
        _ = model.BackgroundColumns;
        if (model.Onnx.TreeModel is not null && model.Background is not null)
        {
            _ = model.PreparedTreeShap(TreeShapMethod.PathDependent);
        }
    }

    /// <summary>Every file of <paramref name="folder"/> at any depth with its size and write time; equal strings mean an
    /// unchanged folder. A folder that cannot be read now gets a fingerprint that differs from every earlier one, so it is
    /// looked at again on the next scan.</summary>
    private string Fingerprint(string folder)
    {
        try
        {
            var text = new StringBuilder();
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).OrderBy(f => f.FullName, StringComparer.Ordinal))
            {
                text.Append(Path.GetRelativePath(folder, file.FullName)).Append('|')
                    .Append(file.Length.ToString(CultureInfo.InvariantCulture)).Append('|')
                    .Append(file.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            return text.ToString();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(unreadable at {_time.GetTimestamp()}: {e.Message})";
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "hot reload watching {Directory}: scanned every {PollMs} ms and on file events ({EventsOn}); a changed folder is loaded after {SettleMs} ms unchanged")]
    private partial void LogWatching(string directory, double pollMs, double settleMs, bool eventsOn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "hot reload: no file-system events for {Directory} ({Reason}); changes are seen by the scan every {PollMs} ms only")]
    private partial void LogEventsUnavailable(string directory, double pollMs, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "model {ModelId} reloaded from {Folder}: version {OldVersion} (sha256 {OldSha256}) -> version {NewVersion} (sha256 {NewSha256}); running requests finish on the old version")]
    private partial void LogReloaded(string modelId, string oldVersion, string oldSha256, string newVersion, string newSha256, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "model {ModelId} version {NewVersion} (sha256 {NewSha256}) added from {Folder}")]
    private partial void LogAdded(string modelId, string newVersion, string newSha256, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "model {ModelId} removed: its folder {Folder} is gone; running requests finish on version {OldVersion} (sha256 {OldSha256}), later ones get NotFound")]
    private partial void LogRemoved(string modelId, string oldVersion, string oldSha256, string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "model folder {Folder} was refused, the version being served stays: {Reason}")]
    private partial void LogRefused(Exception exception, string folder, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "model folders {Folder} and {ServingFolder} both carry model {ModelId} version {Version}; the one from {ServingFolder} stays served: give the new folder a higher version in its model-card.json, or remove one")]
    private partial void LogSameVersion(string folder, string servingFolder, string modelId, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "model folder {Folder} carries model {ModelId} version {Version}, not higher than version {ServedVersion} served from {ServingFolder}; it is not served")]
    private partial void LogLowerVersion(string folder, string modelId, string version, string servedVersion, string servingFolder);

    [LoggerMessage(Level = LogLevel.Error, Message = "hot reload: scanning {Directory} failed, tried again on the next scan: {Reason}")]
    private partial void LogScanFailed(Exception exception, string directory, string reason);

    private sealed class FolderState
    {
        /// <summary>The fingerprint the folder's last load (or refusal) was made from.</summary>
        public string Applied { get; set; } = Removed;

        /// <summary>A newer fingerprint waiting to settle, and since when (<see cref="TimeProvider.GetTimestamp"/>).</summary>
        public string? Pending { get; set; }

        public long PendingSince { get; set; }

        /// <summary>Id and card version of the folder's last good load, served or not.</summary>
        public string? Id { get; set; }

        public string? Version { get; set; }
    }
}
