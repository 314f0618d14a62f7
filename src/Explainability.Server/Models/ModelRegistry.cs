using System.Collections.Immutable;
using Explainability.Core.Data;
namespace Explainability.Server.Models;

/// <summary>
/// The models a server or command explains, by id. Loads every sub-folder of a models directory that holds a
/// <c>model-card.json</c>. While serving, a model can be replaced by a new version (<see cref="Serve"/>, which
/// <see cref="ModelDirectoryWatcher"/> calls on a hot reload) or removed (<see cref="Remove"/>): a request takes a
/// <see cref="ModelLease"/> (<see cref="Acquire"/>) and keeps the version it started with until it disposes the lease; a
/// replaced version is disposed when its last lease is. Thread-safe: readers take no lock (an immutable snapshot read once
/// and one interlocked count per lease); replacements are serialized among themselves.
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly Lock _writer = new();
    private ImmutableDictionary<string, ServedModel> _models;
    private bool _disposed;

    /// <summary>Creates a registry over already loaded models; it owns and disposes them.</summary>
    /// <exception cref="ArgumentException">Two models share an id.</exception>
    public ModelRegistry(IEnumerable<LoadedModel> models)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, ServedModel>(StringComparer.Ordinal);
        foreach (var m in models)
        {
            if (builder.TryGetValue(m.Id, out var existing))
            {
                throw new ArgumentException($"two models have the id '{m.Id}': {existing.Model.Source} and {m.Source}");
            }

            builder.Add(m.Id, new ServedModel(m));
        }

        _models = builder.ToImmutable();
    }

    /// <summary>The models served now, in id order. For their metadata (card, version, SHA-256): a model here may be
    /// replaced and disposed at any time; to run one, <see cref="Acquire"/> it.</summary>
    public IReadOnlyList<LoadedModel> Models => [.. Volatile.Read(ref _models).Values.Select(s => s.Model).OrderBy(m => m.Id, StringComparer.Ordinal)];

    /// <summary>
    /// The model folders of <paramref name="directory"/>: the directory itself when it holds <c>model-card.json</c>, else
    /// its sub-folders that hold one, in ordinal order.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static IReadOnlyList<string> ModelFolders(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"models directory {directory} does not exist");
        }

        return File.Exists(Path.Combine(directory, "model-card.json"))
            ? [directory]
            : [.. Directory.GetDirectories(directory).Where(d => File.Exists(Path.Combine(d, "model-card.json"))).Order(StringComparer.Ordinal)];
    }

    /// <summary>Loads every model folder under <paramref name="directory"/> (or the folder itself if it is a model folder,
    /// see <see cref="ModelFolders"/>). When several folders carry one id (an operator dropped a new version in beside the
    /// old one), only the one whose card has the highest version (<see cref="ModelVersionOrder"/>) is loaded, as
    /// <see cref="ModelDirectoryWatcher"/> decides while serving; two with the same highest version are an error.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="InvalidDataException">A model folder cannot be loaded; the message names it.</exception>
    /// <exception cref="ArgumentException">Two model folders carry the same id and the same highest version; the message names both.</exception>
    public static ModelRegistry LoadDirectory(string directory)
    {
        var loaded = new List<LoadedModel>();
        try
        {
            foreach (string folder in HighestVersions(ModelFolders(directory)))
            {
                loaded.Add(LoadedModel.Load(folder));
            }

            return new ModelRegistry(loaded);
        }
        catch
        {
            foreach (var m in loaded)
            {
                m.Dispose();
            }

            throw;
        }
    }

    /// <summary>Of <paramref name="folders"/>, per model id on their cards the one with the highest card version, in the
    /// given order.</summary>
    private static IEnumerable<string> HighestVersions(IReadOnlyList<string> folders)
    {
        var cards = folders.Select(f => (Folder: f, Card: Explainability.Views.ModelCards.ModelCardReader.Read(Path.Combine(f, "model-card.json")))).ToList();
        var winners = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in cards.GroupBy(c => c.Card.Id, StringComparer.Ordinal))
        {
            var ranked = group.OrderByDescending(c => c.Card.Version, Comparer<string>.Create(ModelVersionOrder.Compare)).ToList();
            if (ranked.Count > 1 && ModelVersionOrder.Compare(ranked[0].Card.Version, ranked[1].Card.Version) == 0)
            {
                throw new ArgumentException(
                    $"two models have the id '{group.Key}' and version {ranked[0].Card.Version}: {ranked[1].Folder} and {ranked[0].Folder}; give the newer one a higher version in its model-card.json, or remove one");
            }

            winners.Add(ranked[0].Folder);
        }

        return folders.Where(winners.Contains);
    }

    /// <summary>The model served now under <paramref name="id"/>, for its metadata (card, version, SHA-256, features): it
    /// may be replaced and its ONNX Runtime session disposed at any time after this returns. To explain with it,
    /// <see cref="Acquire"/> a lease instead.</summary>
    /// <exception cref="ModelNotFoundException">No such model; the message lists the known ids.</exception>
    public LoadedModel Get(string id) => Find(Volatile.Read(ref _models), id).Model;

    /// <summary>
    /// A lease on the model served now under <paramref name="id"/>: that version stays usable (not disposed) until the lease
    /// is disposed, whatever <see cref="Serve"/> or <see cref="Remove"/> do meanwhile. Lock-free.
    /// </summary>
    /// <exception cref="ModelNotFoundException">No such model; the message lists the known ids.</exception>
    public ModelLease Acquire(string id)
    {
        while (true)
        {
            var served = Find(Volatile.Read(ref _models), id);
            // Fails only when the version was replaced and released by everyone since the snapshot was read: the snapshot
            // read again holds its successor (or no longer the id).
            if (served.TryAddReference())
            {
                return new ModelLease(served);
            }
        }
    }

    /// <summary>Whether a model has the id <paramref name="id"/>.</summary>
    public bool Contains(string id) => Volatile.Read(ref _models).ContainsKey(id);

    /// <summary>
    /// Serves <paramref name="model"/> under its id from now on, in one atomic step: a request that acquires the id after
    /// this returns gets <paramref name="model"/>; requests holding the version it replaces finish on it, and that version is
    /// disposed when the last of them disposes its lease. The registry owns <paramref name="model"/> from here on.
    /// </summary>
    /// <param name="model">The new model or version.</param>
    /// <returns>The model it replaced, for its metadata (it may already be disposed), or null when the id is new.</returns>
    /// <exception cref="ObjectDisposedException">The registry was disposed; <paramref name="model"/> is disposed too.</exception>
    public LoadedModel? Serve(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ServedModel? old;
        lock (_writer)
        {
            if (_disposed)
            {
                model.Dispose();
                throw new ObjectDisposedException(nameof(ModelRegistry), $"the registry is disposed; model '{model.Id}' version {model.Version} was not served");
            }

            _models.TryGetValue(model.Id, out old);
            Volatile.Write(ref _models, _models.SetItem(model.Id, new ServedModel(model)));
        }

        old?.Release();
        return old?.Model;
    }

    /// <summary>Stops serving <paramref name="id"/>: later requests get <see cref="ModelNotFoundException"/>; requests holding
    /// the model finish on it, and it is disposed when the last of them disposes its lease.</summary>
    /// <returns>The model removed (for its metadata), or null when no model had the id.</returns>
    public LoadedModel? Remove(string id)
    {
        ServedModel? old;
        lock (_writer)
        {
            if (!_models.TryGetValue(id, out old))
            {
                return null;
            }

            Volatile.Write(ref _models, _models.Remove(id));
        }

        old.Release();
        return old.Model;
    }

    /// <summary>Stops serving every model; each is disposed at once or, when leased, when its last lease is disposed.</summary>
    public void Dispose()
    {
        ImmutableDictionary<string, ServedModel> served;
        lock (_writer)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            served = _models;
            Volatile.Write(ref _models, ImmutableDictionary<string, ServedModel>.Empty.WithComparers(StringComparer.Ordinal));
        }

        foreach (var s in served.Values)
        {
            s.Release();
        }
    }

    private static ServedModel Find(ImmutableDictionary<string, ServedModel> models, string id) =>
        models.TryGetValue(id, out var m)
            ? m
            : throw new ModelNotFoundException($"unknown model {MessageText.Quote(id)}; known models: {string.Join(", ", models.Keys.Order(StringComparer.Ordinal))}");
}
