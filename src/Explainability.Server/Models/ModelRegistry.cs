using Explainability.Core.Data;
namespace Explainability.Server.Models;

/// <summary>
/// The models a server or command explains, by id. Loads every sub-folder of a models directory that holds a
/// <c>model-card.json</c>. Thread-safe after construction.
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly Dictionary<string, LoadedModel> _models;

    /// <summary>Creates a registry over already loaded models.</summary>
    /// <exception cref="ArgumentException">Two models share an id.</exception>
    public ModelRegistry(IEnumerable<LoadedModel> models)
    {
        _models = new Dictionary<string, LoadedModel>(StringComparer.Ordinal);
        foreach (var m in models)
        {
            if (!_models.TryAdd(m.Id, m))
            {
                throw new ArgumentException($"two models have the id '{m.Id}': {_models[m.Id].Source} and {m.Source}");
            }
        }
    }

    /// <summary>Loaded models in id order.</summary>
    public IReadOnlyList<LoadedModel> Models => [.. _models.Values.OrderBy(m => m.Id, StringComparer.Ordinal)];

    /// <summary>Loads every model folder under <paramref name="directory"/> (or the folder itself if it is a model folder).</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="InvalidDataException">A model folder cannot be loaded; the message names it.</exception>
    public static ModelRegistry LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"models directory {directory} does not exist");
        }

        var folders = File.Exists(Path.Combine(directory, "model-card.json"))
            ? [directory]
            : Directory.GetDirectories(directory).Where(d => File.Exists(Path.Combine(d, "model-card.json"))).Order(StringComparer.Ordinal).ToArray();
        return new ModelRegistry(folders.Select(f => LoadedModel.Load(f)));
    }

    /// <summary>The model with id <paramref name="id"/>.</summary>
    /// <exception cref="ModelNotFoundException">No such model; the message lists the known ids.</exception>
    public LoadedModel Get(string id) =>
        _models.TryGetValue(id, out var m)
            ? m
            : throw new ModelNotFoundException($"unknown model {MessageText.Quote(id)}; known models: {string.Join(", ", _models.Keys.Order(StringComparer.Ordinal))}");

    /// <summary>Whether a model has the id <paramref name="id"/>.</summary>
    public bool Contains(string id) => _models.ContainsKey(id);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var m in _models.Values)
        {
            m.Dispose();
        }
    }
}
