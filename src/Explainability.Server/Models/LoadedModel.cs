using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Core.Shap;
using Explainability.Onnx;
using Explainability.Server.Explaining;
using Explainability.Views;
using Explainability.Views.ModelCards;

namespace Explainability.Server.Models;

/// <summary>
/// A model ready to explain: the ONNX session and its parsed tree ensemble, the model card (read from
/// <c>model-card.json</c>, or derived from the ONNX inputs for a bare <c>.onnx</c> file), and the background rows
/// (raw, and as the ensemble's input columns computed once by ONNX Runtime). Immutable and thread-safe.
/// </summary>
public sealed class LoadedModel : IDisposable
{
    private readonly Lazy<double[]?> _backgroundColumns;
    private readonly Lazy<string?> _backgroundSha256;
    private readonly Lazy<string> _viewDataSha256;
    private readonly Lazy<PreparedTreeShap>[] _preparedTreeShap;
    private readonly Lazy<ReferenceAttributions?> _referenceAttributions;
    private readonly Lazy<FeatureTable?> _reference;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Core.Explanations.Explanation>> _referenceExplanations = new(StringComparer.Ordinal);

    private LoadedModel(string source, ModelCard card, OnnxModel onnx, FeatureTable? background, bool cardIsDerived, string? backgroundPath = null)
    {
        Source = source;
        BackgroundPath = backgroundPath;
        Card = card;
        Onnx = onnx;
        Background = background;
        CardIsDerived = cardIsDerived;
        _backgroundSha256 = new Lazy<string?>(() => background is null ? null : BackgroundHash.Of(background));
        _viewDataSha256 = new Lazy<string>(ViewDataHash);
        _backgroundColumns = new Lazy<double[]?>(() =>
            background is null || onnx.TreeModel is null ? null : onnx.ComputeColumns(background, allowExtraColumns: true));
        _preparedTreeShap =
        [
            .. new[] { TreeShapMethod.PathDependent, TreeShapMethod.Interventional }.Select(method => new Lazy<PreparedTreeShap>(() =>
                TreeShapExplainer.Prepare(onnx.TreeModel!.Ensemble, onnx.TreeModel.FeatureMap, BackgroundColumns ?? [], method))),
        ];
        _referenceAttributions = new Lazy<ReferenceAttributions?>(() => ReferenceImportance.Compute(this));
        _reference = new Lazy<FeatureTable?>(() =>
            card.Reference is { } r && Directory.Exists(source) ? ReadTable(Path.Combine(source, r.File), card with { Features = [.. card.Features, LabelColumn(r)] }) : null);
    }

    /// <summary>SHA-256 (lower-case hex) over the data a view's numbers come from besides the explanation itself: the
    /// background rows (percentiles, the portfolio picture, counterfactual candidates) and the labelled reference rows
    /// (similar cases), each by <see cref="BackgroundHash"/>. Recorded with every explanation, so that re-rendering it
    /// later is refused when that data has changed instead of showing numbers from other data.</summary>
    public string ViewDataSha256 => _viewDataSha256.Value;

    private string ViewDataHash()
    {
        string reference;
        try
        {
            reference = Reference is { } r ? BackgroundHash.Of(r) : "none";
        }
        catch (FileNotFoundException)
        {
            reference = "missing";
        }

        string text = $"background {BackgroundSha256 ?? "none"}\nreference {reference}\n";
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The labelled reference rows named by the card (<see cref="ModelCard.Reference"/>; raw features and the label
    /// column, read as text), read on first use; null when the card names none.</summary>
    /// <exception cref="FileNotFoundException">The card names a reference file that is missing.</exception>
    public FeatureTable? Reference => _reference.Value;

    /// <summary>The explanation of <see cref="Reference"/> under <paramref name="key"/> (method and output space), computed by
    /// <paramref name="compute"/> once per loaded model and key, then cached. Thread-safe: concurrent callers share one computation.</summary>
    public Core.Explanations.Explanation ReferenceExplanation(string key, Func<Core.Explanations.Explanation> compute) =>
        _referenceExplanations.GetOrAdd(key, _ => new Lazy<Core.Explanations.Explanation>(compute, LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    private static FeatureCard LabelColumn(ReferenceCard reference) => new()
    {
        Name = reference.LabelColumn,
        DisplayName = new Dictionary<string, string>(StringComparer.Ordinal) { ["en"] = reference.LabelColumn },
        Type = "categorical",
    };

    /// <summary>Where the model was loaded from (folder or file).</summary>
    public string Source { get; }

    /// <summary>Model id (from the card, or the file name).</summary>
    public string Id => Card.Id;

    /// <summary>Model version.</summary>
    public string Version => Card.Version;

    /// <summary>SHA-256 of the ONNX file, lowercase hex.</summary>
    public string Sha256 => Onnx.Sha256;

    /// <summary>The model card.</summary>
    public ModelCard Card { get; }

    /// <summary>Whether <see cref="Card"/> was derived from the ONNX inputs because no card was supplied.</summary>
    public bool CardIsDerived { get; }

    /// <summary>The ONNX model.</summary>
    public OnnxModel Onnx { get; }

    /// <summary>Raw background rows, or null when the model has none.</summary>
    public FeatureTable? Background { get; }

    /// <summary>The file <see cref="Background"/> was read from (the card's background, or the one passed to
    /// <see cref="Load"/>), or null without one; messages about the background name it.</summary>
    public string? BackgroundPath { get; }

    /// <summary>The canonical SHA-256 of <see cref="Background"/> (<see cref="BackgroundHash"/>), computed once; null without a background.</summary>
    public string? BackgroundSha256 => _backgroundSha256.Value;

    /// <summary>The background as the ensemble's input columns <c>[rows, columns]</c>, or null.</summary>
    public double[]? BackgroundColumns => _backgroundColumns.Value;

    /// <summary>SHAP values over the background rows for the portfolio picture (<see cref="ReferenceImportance.Compute"/>),
    /// computed once on first use; null without a background.</summary>
    public ReferenceAttributions? ReferenceAttributions => _referenceAttributions.Value;

    /// <summary>
    /// TreeSHAP prepared once on this model's own background (covers counted, interventional leaf tables built), so a
    /// request pays only for its rows. Thread-safe; a failure (no background) is rethrown to every caller.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no tree ensemble.</exception>
    /// <exception cref="ArgumentException">The method needs a background the model does not have.</exception>
    public PreparedTreeShap PreparedTreeShap(TreeShapMethod method) => Onnx.TreeModel is null
        ? throw new InvalidOperationException($"model '{Id}' has no tree ensemble")
        : _preparedTreeShap[(int)method].Value;

    /// <summary>
    /// Names of the explained outputs, <c>[outputs]</c>: the card's class labels where the graph only numbers its outputs
    /// (see <see cref="OutputLabels"/>), the graph's own names for a model without a card: the tree ensemble's outputs, else
    /// the linear model's, else the served output's (what a model-agnostic explanation names its outputs, e.g. <c>0</c> for a
    /// regressor's single target).
    /// </summary>
    public IReadOnlyList<string> OutputNames => LabelOutputs(
        Onnx.TreeModel?.OutputNames ?? Onnx.LinearModel?.OutputNames ?? Onnx.ServedOutputNames);

    /// <summary>
    /// The output a view of <paramref name="explanation"/> explains: the card's positive class
    /// (<see cref="ExplanationContext.PositiveOutput"/>); for a model without a card, whose derived card names a positive class
    /// only when a tree ensemble was read, the last output (a binary classifier's second class, as <see cref="DeriveCard"/>
    /// picks), so that a bare classifier's views render without a card to name one.
    /// </summary>
    /// <param name="explanation">The explanation, <c>[rows, features, outputs]</c>.</param>
    /// <returns>An index into <paramref name="explanation"/>'s outputs.</returns>
    /// <exception cref="ArgumentException">A model card's positive class is not among the outputs, or the card names none and
    /// there are several outputs.</exception>
    public int ExplainedOutput(Explanation explanation)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        if (CardIsDerived && (Card.Output.PositiveClass is not { } positive || !explanation.OutputNames.Contains(positive, StringComparer.Ordinal)))
        {
            return explanation.OutputCount - 1;
        }

        return ExplanationContext.PositiveOutput(explanation, Card);
    }

    /// <summary>Explanation methods this model supports (<see cref="ExplainMethods.SupportedBy"/>).</summary>
    public IReadOnlyList<string> Explainers => ExplainMethods.SupportedBy(this);

    /// <summary>
    /// Names outputs the ONNX graph names <paramref name="graphNames"/> (a tree ensemble's, a linear model's or a served
    /// output's columns) with the card's class labels where the graph only numbers them (see <see cref="OutputNames"/>);
    /// a model without a card keeps the graph's names.
    /// </summary>
    public IReadOnlyList<string> LabelOutputs(IReadOnlyList<string> graphNames) =>
        CardIsDerived ? graphNames : OutputLabels(graphNames, Card.Output);

    /// <summary>
    /// Loads a model from a folder holding <c>model-card.json</c> (and the ONNX and background files it names), or from a
    /// bare <c>.onnx</c> file.
    /// </summary>
    /// <param name="path">Folder or <c>.onnx</c> file.</param>
    /// <param name="featureNames">For a bare ONNX file with one <c>[N, M]</c> tensor input: the column names (e.g. a CSV header).</param>
    /// <param name="backgroundPath">A background CSV that overrides the card's.</param>
    /// <exception cref="FileNotFoundException">The folder has no model card, or a named file is missing.</exception>
    /// <exception cref="InvalidDataException">The card or the ONNX file cannot be read; the message says which and why.</exception>
    public static LoadedModel Load(string path, IReadOnlyList<string>? featureNames = null, string? backgroundPath = null)
    {
        if (Directory.Exists(path))
        {
            string cardPath = Path.Combine(path, "model-card.json");
            if (!File.Exists(cardPath))
            {
                throw new FileNotFoundException($"model folder {path} has no model-card.json", cardPath);
            }

            var card = ModelCardReader.Read(cardPath);
            var onnx = ReadOnnx(Path.Combine(path, card.ModelFile), card.Features.Select(f => f.Name).ToList());
            string? bg = backgroundPath ?? (card.BackgroundFile is null ? null : Path.Combine(path, card.BackgroundFile));
            return new LoadedModel(path, card, onnx, bg is null ? null : ReadTable(bg, card), cardIsDerived: false, bg);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no model folder or ONNX file at {path}", path);
        }

        if (string.Equals(Path.GetExtension(path), ".json", StringComparison.OrdinalIgnoreCase))
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? path;
            throw new InvalidDataException($"{path} is a JSON file, not an ONNX model: pass the model folder ({folder}) that holds model-card.json, or the .onnx file itself");
        }

        var model = ReadOnnx(path, featureNames);
        var derived = DeriveCard(Path.GetFileNameWithoutExtension(path), model);
        return new LoadedModel(path, derived, model, backgroundPath is null ? null : ReadTable(backgroundPath, derived), cardIsDerived: true, backgroundPath);
    }

    /// <summary>Reads a CSV of raw rows, treating the card's categorical columns as text.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="FormatException">The CSV is malformed (a ragged row); the message names the line.</exception>
    public static FeatureTable ReadTable(string path, ModelCard? card)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no CSV file at {path}", path);
        }

        var text = card?.Features.Where(f => f.Type == "categorical").Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        return CsvTableReader.Parse(File.ReadAllText(path), path, text);
    }

    /// <summary>Whether <see cref="Dispose"/> has run: the ONNX Runtime session is gone and the model must not be run.
    /// A served model is disposed by its <see cref="ModelRegistry"/> only after its last <see cref="ModelLease"/>.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    private int _disposed;

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Onnx.Dispose();
        }
    }

    /// <summary>
    /// Names the explained outputs with the model card's class labels where the ONNX graph only numbers them: a single score
    /// (an ML.NET binary classifier's <c>Score</c>, named <c>0</c>) is the card's positive class; outputs <c>0..K-1</c> of a
    /// K-class model are the card's classes in order. Names the graph already gives as class labels are kept.
    /// </summary>
    private static IReadOnlyList<string> OutputLabels(IReadOnlyList<string> names, OutputCard output)
    {
        var classes = output.Classes;
        if (names.All(n => classes.Contains(n, StringComparer.Ordinal)))
        {
            return names;
        }

        if (names.Count == 1 && output.PositiveClass is { } positive)
        {
            return [positive];
        }

        if (names.Count == classes.Count && names.Select((n, i) => n == i.ToString(System.Globalization.CultureInfo.InvariantCulture)).All(b => b))
        {
            return classes;
        }

        return names;
    }

    private static OnnxModel ReadOnnx(string path, IReadOnlyList<string>? featureNames)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no ONNX file at {path}", path);
        }

        try
        {
            return OnnxModel.Load(path, featureNames);
        }
        catch (Exception e) when (e is InvalidDataException or Google.Protobuf.InvalidProtocolBufferException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            throw new InvalidDataException($"{path} is not a readable ONNX model: {e.Message}", e);
        }
    }

    private static ModelCard DeriveCard(string id, OnnxModel model)
    {
        var text = model.Inputs.Where(i => i.ElementType == OnnxElementType.String).SelectMany(i => i.ColumnNames).ToHashSet(StringComparer.Ordinal);
        // Class labels only for a classifier: a regressor's outputs are target indices ("0"), which no view may call a class.
        var outputs = model.TreeModel is { } tree
            ? (IsClassifier(tree.EnsembleOpType, tree.Link) ? tree.OutputNames : [])
            : model.LinearModel is { } linear && IsClassifier(linear.OpType, linear.Link) ? linear.OutputNames : [];
        // A classifier operator names its classes; a regressor behind a logistic link (as ML.NET exports one) names target indices.
        bool labels = model.TreeModel is { } t ? t.EnsembleOpType.EndsWith("Classifier", StringComparison.Ordinal)
            : model.LinearModel is { } l && l.OpType.EndsWith("Classifier", StringComparison.Ordinal);
        return new ModelCard
        {
            Id = id,
            Version = model.Sha256[..12],
            Description = $"ONNX model {id} (no model card supplied)",
            Features = model.RawFeatureNames.Select(n => new FeatureCard
            {
                Name = n,
                DisplayName = new Dictionary<string, string>(StringComparer.Ordinal) { ["en"] = n },
                Type = text.Contains(n) ? "categorical" : "numeric",
                Categories = model.InputCategories.TryGetValue(n, out var known) ? known.ToDictionary(c => c, c => c, StringComparer.Ordinal) : null,
            }).ToList(),
            Output = new OutputCard
            {
                Description = "model output",
                Classes = outputs,
                PositiveClass = outputs.Count > 0 ? outputs[^1] : null,
                // Clauses, as a card's are ("that {outcome}"); a class only where the graph names classes.
                PositiveOutcome = outputs.Count == 0 ? "the model output is high" : labels ? $"the model predicts class {outputs[^1]}" : $"the model's output '{outputs[^1]}' is high",
                NegativeOutcome = outputs.Count == 0 ? "the model output is low" : labels ? $"the model does not predict class {outputs[^1]}" : $"the model's output '{outputs[^1]}' is low",
            },
        };
    }

    private static bool IsClassifier(string opType, LinkFunction link) =>
        opType.EndsWith("Classifier", StringComparison.Ordinal) || link != LinkFunction.Identity;
}
