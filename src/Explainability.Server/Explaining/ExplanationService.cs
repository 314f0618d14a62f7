using System.Globalization;
using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Core.Shap;
using Explainability.Onnx;
using Explainability.Server.Models;
using Explainability.Views;
using Explainability.Views.ModelCards;

namespace Explainability.Server.Explaining;

/// <summary>
/// The main job, shared by the gRPC service and the command line: validate raw rows against the model card, explain them
/// on the raw features with the requested or default method (TreeSHAP, Linear SHAP, or a model-agnostic explainer over
/// ONNX Runtime), check the explained output against ONNX Runtime, and render audience views.
/// </summary>
public sealed class ExplanationService(ViewService views)
{
    /// <summary>The view service used for projection and rendering.</summary>
    public ViewService Views { get; } = views;

    /// <summary>Explains <paramref name="rows"/> of <paramref name="model"/> with the requested method (or the model's
    /// default, <see cref="ExplainMethods.DefaultFor"/>) in the requested output space.</summary>
    /// <remarks>
    /// <para>TreeSHAP and Linear SHAP are exact in margin space only; a probability-space request with them is refused with
    /// a message naming the model-agnostic methods, which explain any output space over the background.</para>
    /// <para>The model-agnostic methods (<c>kernel</c>, <c>permutation</c>, <c>exact</c>) run the model as a black box
    /// (<see cref="OnnxBlackBox"/>) over the raw features, one player per raw feature (a categorical feature one-hot
    /// encoded inside the graph is one player because the black box takes the raw value), against the background (the
    /// card's, or <paramref name="backgroundOverride"/>): in probability space the explained function is ONNX Runtime's
    /// served output itself; in margin space it is the parsed model's margin, checked against ONNX Runtime.</para>
    /// </remarks>
    /// <exception cref="InputException">A feature is missing or unknown, a value has the wrong type, or a category was never
    /// seen; or the background lacks a feature column.</exception>
    /// <exception cref="ArgumentException">An unknown method or output space; an output space the method cannot explain; a
    /// method that needs a background the model lacks; a sampling budget below the minimum (the message gives it); an exact
    /// request over the player limit (the message gives the limit and the count).</exception>
    /// <exception cref="UnsupportedModelException">The method needs a tree ensemble or linear model the model does not have;
    /// the message names the methods the model supports.</exception>
    /// <exception cref="RuntimeDisagreementException">Link(margin) differs from ONNX Runtime's served output beyond
    /// <see cref="RuntimeCrossCheck"/>'s tolerance.</exception>
    /// <exception cref="OperationCanceledException"><see cref="ExplainOptions.CancellationToken"/> was cancelled.</exception>
    public static ExplainOutcome Explain(LoadedModel model, FeatureTable rows, ExplainOptions options, FeatureTable? backgroundOverride = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        string? requested = ExplainMethods.Parse(options.Method);
        var (method, fallback) = requested is null ? ExplainMethods.DefaultFor(model) : (requested, null);
        OutputSpace? space = ParseSpace(options.OutputSpace);
        if (options.NSamples is not null && !ExplainMethods.IsSampled(method))
        {
            throw new ArgumentException($"nsamples applies to the sampling methods {MethodNames.Kernel} and {MethodNames.Permutation}; method {method} computes exact values");
        }

        if (options.Seed is not null && !ExplainMethods.IsSampled(method))
        {
            throw new ArgumentException($"seed applies to the sampling methods {MethodNames.Kernel} and {MethodNames.Permutation}; method {method} is deterministic and uses no seed");
        }

        if ((backgroundOverride ?? model.Background) is { } background)
        {
            CheckBackgroundColumns(model, background, requireOffsets: ExplainMethods.IsModelAgnostic(method), backgroundOverride is null ? model.BackgroundPath : null);
        }

        var float32 = model.Onnx.Inputs.Where(i => i.ElementType == OnnxElementType.Float).SelectMany(i => i.ColumnNames).ToHashSet(StringComparer.Ordinal);
        Validate(model.Card, rows, options.AllowExtraColumns, model.Onnx.OffsetColumnNames, float32);
        var outcome = method switch
        {
            _ when ExplainMethods.IsTree(method) => ExplainTree(model, rows, options, method, space, backgroundOverride),
            MethodNames.Linear => ExplainLinear(model, rows, options, space, backgroundOverride),
            _ => ExplainModelAgnostic(model, rows, options, method, space, backgroundOverride),
        };
        if (fallback is null)
        {
            return outcome;
        }

        // The response says that the model's default explainer is a fallback, and why (the data-scientist view lists it).
        var parameters = new Dictionary<string, string>(outcome.Explanation.Parameters, StringComparer.Ordinal) { ["fallback_reason"] = fallback };
        return outcome with { Explanation = outcome.Explanation with { Parameters = parameters } };
    }

    private static ExplainOutcome ExplainTree(LoadedModel model, FeatureTable rows, ExplainOptions options, string method, OutputSpace? space, FeatureTable? backgroundOverride)
    {
        var tree = model.Onnx.TreeModel ?? throw new UnsupportedModelException(
            $"model '{model.Id}' cannot be explained with {method}: {model.Onnx.TreeModelUnavailableReason}; it supports: {string.Join(", ", model.Explainers)}");
        RequireMargin(method, space, "TreeSHAP");
        // One ONNX Runtime call per batch gives the ensemble's columns, the offsets and the served output.
        // A per-row offset (casebook C11) is its own additive term: added to the margins, never to the base value.
        var (columns, offsets, served) = model.Onnx.ComputeTreeRuntimeValues(rows, allowExtraColumns: options.AllowExtraColumns);
        var prepared = backgroundOverride is null
            ? model.PreparedTreeShap(MethodNames.Parse(method))
            : TreeShapExplainer.Prepare(tree.Ensemble, tree.FeatureMap, model.Onnx.ComputeColumns(backgroundOverride, allowExtraColumns: true), MethodNames.Parse(method));
        var explanation = TreeShapExplainer.Explain(prepared, tree.Link, tree.OutputNames, columns, options.DegreeOfParallelism, offsets, tree.OffsetInputs, options.CancellationToken);

        double maxError = RuntimeCrossCheck.Check(tree.Ensemble, tree.Link, columns, explanation.ModelOutputs, served, model.OutputNames);
        return Finish(model, rows, explanation, tree.Link, maxError, model.OutputNames, backgroundOverride ?? model.Background);
    }

    private static ExplainOutcome ExplainLinear(LoadedModel model, FeatureTable rows, ExplainOptions options, OutputSpace? space, FeatureTable? backgroundOverride)
    {
        var linear = model.Onnx.LinearModel ?? throw new UnsupportedModelException(
            $"model '{model.Id}' cannot be explained with {MethodNames.Linear}: {model.Onnx.LinearModelUnavailableReason}; it supports: {string.Join(", ", model.Explainers)}");
        RequireMargin(MethodNames.Linear, space, "Linear SHAP");
        var background = RequireBackground(model, MethodNames.Linear, backgroundOverride);
        var columns = model.Onnx.ComputeColumns(rows, allowExtraColumns: options.AllowExtraColumns);
        var backgroundColumns = model.Onnx.ComputeColumns(background, allowExtraColumns: true);
        var outputNames = model.LabelOutputs(linear.OutputNames);
        var map = linear.FeatureMap;
        var explanation = LinearShap.Explain(
            linear.Weights, linear.Intercepts, linear.Link, backgroundColumns, columns, map.FeatureNames, outputNames, map.ColumnToPlayer(), map.PlayerCount);
        double maxError = CheckParsedAgainstRuntime(model, rows);
        return Finish(model, rows, explanation, linear.Link, maxError, outputNames, background);
    }

    private static ExplainOutcome ExplainModelAgnostic(LoadedModel model, FeatureTable rows, ExplainOptions options, string method, OutputSpace? requestedSpace, FeatureTable? backgroundOverride)
    {
        bool hasMargin = model.Onnx.TreeModel is not null || model.Onnx.LinearModel is not null;
        var space = requestedSpace ?? (hasMargin ? OutputSpace.Margin : OutputSpace.Probability);
        if (space == OutputSpace.Margin && !hasMargin)
        {
            throw new ArgumentException(
                $"output space 'margin' is not available for model '{model.Id}': no tree ensemble or linear model was read from its graph, so only the served output is known; use 'probability'");
        }

        var background = RequireBackground(model, method, backgroundOverride);
        var text = model.Onnx.Inputs.Where(i => i.ElementType == OnnxElementType.String).SelectMany(i => i.ColumnNames).ToHashSet(StringComparer.Ordinal);
        var categories = model.Card.Features
            .Where(f => f.Categories is { Count: > 0 } && text.Contains(f.Name))
            .ToDictionary(f => f.Name, f => (IReadOnlyList<string>)[.. f.Categories!.Keys], StringComparer.Ordinal);
        var codec = RawFeatureCodec.For(model.Onnx, background, categories);
        var blackBox = model.Onnx.AsBatchModel(codec, space);
        var game = new InterventionalGame(blackBox, codec.Encode(background));
        var encoded = codec.Encode(rows);
        var outputNames = model.LabelOutputs(blackBox.OutputNames);
        var labels = new ExplanationLabels(codec.FeatureNames, outputNames, space, blackBox.Link ?? LinkFunction.Identity);
        int players = game.PlayerCount;
        int dop = options.DegreeOfParallelism;
        Explanation explanation;
        Func<Explanation> run;
        double estimate;
        int? budget = null, requested = null;
        switch (method)
        {
            case MethodNames.Exact:
                if (players > options.MaxExactPlayers)
                {
                    throw new ArgumentException(
                        $"exact SHAP enumerates all 2^M coalitions and is limited to {options.MaxExactPlayers} players; model '{model.Id}' has {players} (its raw features): use {MethodNames.Kernel} or {MethodNames.Permutation}");
                }

                estimate = rows.RowCount * (double)KernelShap.EnumerationSize(players) * game.BackgroundRows;
                run = () => ExactShap.Explain(game, encoded, labels, Math.Min(options.MaxExactPlayers, ExactShap.MaxPlayersLimit), dop, options.CancellationToken);
                break;
            case MethodNames.Kernel:
                int nsamples = options.NSamples ?? ExplainMethods.DefaultKernelSamples(players);
                int minimum = KernelShap.MinimumSamples(players), maximum = KernelShap.MaximumSamples(players);
                long enumeration = KernelShap.EnumerationSize(players);
                // More than the 2^M - 2 coalitions enumerates them all: that many are evaluated (and recorded).
                int effective = (int)Math.Min(nsamples, enumeration);
                if (nsamples < minimum || effective > maximum)
                {
                    string upper = enumeration <= maximum
                        ? $"no maximum: from {enumeration} = 2^M-2 on, all coalitions are enumerated (exact) and {enumeration} are evaluated"
                        : $"the maximum {maximum} (2^28 coalition-mask entries per row), below the {enumeration} = 2^M-2 coalitions of full enumeration";
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"nsamples {nsamples} is out of range for KernelSHAP over {players} players: the minimum is {minimum} (every coalition of sizes 1 and M-1 plus M+1 sampled pairs, or all 2^M-2 coalitions), {upper}"));
                }

                requested = nsamples;
                nsamples = effective;
                budget = nsamples;
                // Each sampled coalition is evaluated against every background row, and f(x) once per row.
                estimate = rows.RowCount * ((double)nsamples * game.BackgroundRows + 1);
                run = () => KernelShap.Explain(game, encoded, labels, nsamples, options.Seed ?? ExplainMethods.DefaultSeed, dop, options.CancellationToken);
                break;
            default:
                int pairs = options.NSamples ?? ExplainMethods.DefaultPermutationPairs;
                long masks = 2L * pairs * players * players;
                if (pairs < PermutationShap.MinimumPairs || masks > 1 << 28)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"nsamples {pairs} is out of range for permutation SHAP over {players} players: it counts antithetic pairs of orders, the minimum is {PermutationShap.MinimumPairs} (to estimate standard errors), the maximum {(1 << 28) / (2L * players * players)}"));
                }

                budget = pairs;
                estimate = rows.RowCount * 2.0 * pairs * Math.Max(0, players - 1) * game.BackgroundRows;
                run = () => PermutationShap.Explain(game, encoded, labels, pairs, options.Seed ?? ExplainMethods.DefaultSeed, dop, options.CancellationToken);
                break;
        }

        RequireWithinEvaluationLimit(options, model, method, estimate);
        explanation = RunReportingProgress(run, blackBox, method, estimate, options.Progress);

        var parameters = new Dictionary<string, string>(explanation.Parameters, StringComparer.Ordinal)
        {
            ["players"] = players.ToString(CultureInfo.InvariantCulture),
            ["player_names"] = string.Join(",", codec.FeatureNames),
            ["onnx_run_calls"] = blackBox.RunCalls.ToString(CultureInfo.InvariantCulture),
            ["served_output"] = blackBox.ServedOutputName,
        };
        if (budget is { } n)
        {
            parameters["nsamples"] = n.ToString(CultureInfo.InvariantCulture);
            if (requested is { } asked && asked != n)
            {
                parameters["nsamples_requested"] = asked.ToString(CultureInfo.InvariantCulture);
            }
        }

        double maxError = 0;
        if (space == OutputSpace.Probability)
        {
            // The explained function is ONNX Runtime's served output itself: there is no second forward pass to disagree.
            parameters["runtime_check"] = "explained function is the ONNX Runtime served output";
        }
        else
        {
            maxError = CheckParsedAgainstRuntime(model, rows);
            parameters["runtime_check"] = "parsed margin compared with the ONNX Runtime served output";
        }

        if (blackBox.Link is null)
        {
            parameters["link"] = "unknown";
        }

        return Finish(model, rows, explanation with { Parameters = parameters }, blackBox.Link, maxError, outputNames, background);
    }

    private static ExplainOutcome Finish(LoadedModel model, FeatureTable rows, Explanation explanation, LinkFunction? link, double maxError, IReadOnlyList<string> outputNames, FeatureTable? background)
    {
        var parameters = new Dictionary<string, string>(explanation.Parameters, StringComparer.Ordinal)
        {
            ["model_id"] = model.Id,
            ["model_version"] = model.Version,
            ["model_sha256"] = model.Sha256,
            ["output_space"] = explanation.OutputSpace == OutputSpace.Margin ? "margin" : "probability",
            ["runtime_max_abs_error"] = maxError.ToString("G3", CultureInfo.InvariantCulture),
        };
        if (link is { } l)
        {
            parameters["link"] = l.ToString().ToLowerInvariant();
        }

        // The algorithms hash the background in their own in-memory layouts; one canonical hash of the table replaces them,
        // so every method over the same background records the same value.
        if (background is not null && parameters.ContainsKey("background_sha256"))
        {
            // The model's own background is hashed once per loaded model; an override per request.
            parameters["background_sha256"] = ReferenceEquals(background, model.Background) ? model.BackgroundSha256! : BackgroundHash.Of(background);
        }

        return new ExplainOutcome(model, rows, explanation with { Parameters = parameters, OutputNames = outputNames }, maxError);
    }

    /// <summary>Compares the parsed tree ensemble's or linear model's Link(margin) with ONNX Runtime on the rows.</summary>
    /// <exception cref="RuntimeDisagreementException">They disagree beyond 1e-5 relative plus 1e-7.</exception>
    private static double CheckParsedAgainstRuntime(LoadedModel model, FeatureTable rows)
    {
        var agreement = model.Onnx.VerifyAgainstRuntime(rows);
        return agreement.Agrees ? agreement.MaxAbsoluteError : throw new RuntimeDisagreementException(string.Create(CultureInfo.InvariantCulture,
            $"the explained model disagrees with ONNX Runtime: row {agreement.WorstRow}, output '{agreement.WorstOutput}': Link(margin) = {agreement.Ours:G9}, ONNX Runtime serves {agreement.Runtime:G9}; the explanation would not explain the served output"));
    }

    /// <summary>Runs <paramref name="run"/>, reporting the model evaluations so far to <paramref name="progress"/> every
    /// quarter second (and once at the end) when one is given.</summary>
    private static Explanation RunReportingProgress(Func<Explanation> run, Onnx.OnnxBlackBox blackBox, string method, double estimate, IProgress<EvaluationProgress>? progress)
    {
        if (progress is null)
        {
            return run();
        }

        long start = blackBox.RowsEvaluated;
        void Report() => progress.Report(new EvaluationProgress(method, blackBox.RowsEvaluated - start, estimate));
        var timer = new Timer(_ => Report(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(250));
        Explanation explanation;
        try
        {
            explanation = run();
        }
        finally
        {
            // Wait for a callback in flight, so the final report below is the last one.
            using var stopped = new ManualResetEvent(false);
            if (timer.Dispose(stopped))
            {
                stopped.WaitOne();
            }
        }

        Report();
        return explanation;
    }

    /// <summary>Refuses a model-agnostic request whose worst-case model evaluations exceed the limit.</summary>
    /// <exception cref="Grpc.RequestLimitException">The estimate is above <see cref="ExplainOptions.MaxModelEvaluations"/>.</exception>
    private static void RequireWithinEvaluationLimit(ExplainOptions options, LoadedModel model, string method, double evaluations)
    {
        if (options.MaxModelEvaluations is { } limit && evaluations > limit)
        {
            throw new Grpc.RequestLimitException(string.Create(CultureInfo.InvariantCulture,
                $"{method} on model '{model.Id}' would need up to {evaluations:N0} model evaluations (rows x coalitions x background rows); the limit is {limit:N0} per request (serve --max-evaluations, explain --max-evaluations): send fewer rows, a smaller nsamples or a smaller background"));
        }
    }

    private static OutputSpace? ParseSpace(string? space) => space switch
    {
        null or "" => null,
        "margin" => OutputSpace.Margin,
        "probability" => OutputSpace.Probability,
        _ => throw new ArgumentException($"unknown output space {MessageText.Quote(space)}: expected margin or probability"),
    };

    private static void RequireMargin(string method, OutputSpace? space, string algorithm)
    {
        if (space == OutputSpace.Probability)
        {
            throw new ArgumentException(
                $"output space 'probability' is not available with {method}: {algorithm} is exact and additive in margin space (log-odds for logistic classifiers) only; for probability-space values use {MethodNames.Exact}, {MethodNames.Kernel} or {MethodNames.Permutation}, which explain the served output over the background");
        }
    }

    private static FeatureTable RequireBackground(LoadedModel model, string method, FeatureTable? backgroundOverride) =>
        backgroundOverride ?? model.Background ?? throw new ArgumentException(
            $"method {method} needs a background dataset and model '{model.Id}' has none: pass one (--background FILE.csv)");

    /// <summary>A background must have a column for every feature of the card (and, for the model-agnostic methods, every
    /// offset input, which is one more player there).</summary>
    /// <exception cref="InputException">A column is missing; the message names the missing ones and what the background has.</exception>
    private static void CheckBackgroundColumns(LoadedModel model, FeatureTable background, bool requireOffsets, string? path)
    {
        var needed = model.Card.Features.Select(f => f.Name).Concat(requireOffsets ? model.Onnx.OffsetColumnNames : []).ToList();
        var missing = needed.Where(n => background.IndexOf(n) < 0).ToList();
        if (missing.Count > 0)
        {
            throw new InputException(missing[0],
                $"the background lacks the column(s) {string.Join(", ", missing.Select(n => $"'{n}'"))} of model '{model.Id}'; it has {string.Join(", ", background.Columns.Select(c => $"'{c}'"))} and needs {string.Join(", ", needed.Select(n => $"'{n}'"))}");
        }

        if (background.RowCount == 0)
        {
            throw new InputException(path is null
                ? "the background has no rows"
                : $"the background {path} has no rows (only a header): the explainers average over its rows, so it needs at least one");
        }
    }

    /// <summary>Projects and renders row <paramref name="row"/> of <paramref name="outcome"/> for <paramref name="audience"/>.</summary>
    /// <exception cref="ArgumentException">Unknown audience or format (the message lists the known ones), or the customer
    /// audience for a model without a model card.</exception>
    public RenderedView Render(ExplainOutcome outcome, int row, string audience, string format = "text", string? language = null)
    {
        if (outcome.Model.CardIsDerived && string.Equals(audience, Audiences.Customer, StringComparison.Ordinal))
        {
            // Without a card no feature is known to be protected or internal, and the outcome has no wording a customer can read.
            throw new ArgumentException($"the customer audience needs a model card: model '{outcome.Model.Id}' has none, so no feature is known to be protected or internal");
        }

        var explanation = outcome.Explanation;
        int output = outcome.Model.ExplainedOutput(explanation);
        var context = ExplanationContext.Create(explanation, row, output, outcome.Model.Card, outcome.Inputs, outcome.Model.Background);
        // One language per view: the language of the template that renders it. A language the audience has no template in
        // is served (and recorded) in English throughout, card texts included, rather than English text with translated names.
        var policy = Views.PolicyFor(audience, outcome.Model.Card, language);
        string served = Views.Renderer.TemplateLanguage(audience, policy.Language, format);
        policy = policy with { Language = served };
        if (policy.Context.HasFlag(Explainability.Views.Policies.ContextBlocks.GlobalImportance))
        {
            // Computed once per loaded model, and only when a view asks for the portfolio picture.
            context = context with { Reference = outcome.Model.ReferenceAttributions };
        }

        context = AddContextBlocks(context, outcome, policy);
        var projection = Views.ProjectWithRecord(context, audience, served);
        return new RenderedView(row, audience, format, Views.Render(projection.View, format), projection.View, projection.Record);
    }

    /// <summary>The context blocks the policy asks for that need the model: verified counterfactuals
    /// (<see cref="CounterfactualFinder"/>, only for a card-described model) and the most similar reference cases
    /// (<see cref="SimilarCaseFinder"/>).</summary>
    private static ExplanationContext AddContextBlocks(ExplanationContext context, ExplainOutcome outcome, Explainability.Views.Policies.AudiencePolicy policy)
    {
        if (policy.Context.HasFlag(Explainability.Views.Policies.ContextBlocks.Counterfactuals) && !outcome.Model.CardIsDerived)
        {
            context = context with { Counterfactuals = CounterfactualFinder.Find(outcome.Model, outcome.Inputs, context.InputRow, policy) };
        }

        if (policy.Context.HasFlag(Explainability.Views.Policies.ContextBlocks.SimilarCases))
        {
            context = SimilarCaseFinder.UnavailableReason(outcome) is { } reason
                ? context with { SimilarCasesUnavailable = reason }
                : context with { SimilarCases = SimilarCaseFinder.Find(outcome, context.Row, context.Output) };
        }

        return context;
    }

    /// <summary>Checks raw rows against the model card before anything runs.</summary>
    /// <param name="card">The model card; its features are required.</param>
    /// <param name="rows">The raw rows.</param>
    /// <param name="allowExtraColumns">Whether columns that are neither a feature nor an offset are ignored rather than refused.</param>
    /// <param name="offsetColumns">Columns of the model's per-row offset inputs (<see cref="OnnxModel.OffsetColumnNames"/>):
    /// required and numeric, but no feature of the card.</param>
    /// <param name="float32Columns">Columns the model reads as float32 (<see cref="OnnxElementType.Float"/> inputs): a
    /// number there must also be finite as a float32, at most <see cref="float.MaxValue"/> in magnitude.</param>
    /// <exception cref="InputException">The first problem found, naming the feature, the row and what was expected: also an
    /// infinite number, a number a float32 input cannot hold, and a categorical feature without a value.</exception>
    public static void Validate(ModelCard card, FeatureTable rows, bool allowExtraColumns, IReadOnlyList<string>? offsetColumns = null, IReadOnlySet<string>? float32Columns = null)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(rows);
        offsetColumns ??= [];
        float32Columns ??= new HashSet<string>(StringComparer.Ordinal);
        var known = card.Features.Select(f => f.Name).Concat(offsetColumns).ToHashSet(StringComparer.Ordinal);
        if (!allowExtraColumns)
        {
            foreach (var column in rows.Columns)
            {
                if (!known.Contains(column))
                {
                    throw new InputException(column, $"unknown feature {MessageText.Quote(column)} for model '{card.Id}'; its features are: {string.Join(", ", known)}");
                }
            }
        }

        if (rows.RowCount == 0)
        {
            throw new InputException("no rows to explain");
        }

        foreach (string offset in offsetColumns)
        {
            int c = rows.IndexOf(offset);
            if (c < 0)
            {
                throw new InputException(offset, $"missing offset '{offset}' for model '{card.Id}': the model adds it to its margin per row, so it is required");
            }

            for (int r = 0; r < rows.RowCount; r++)
            {
                var value = rows[r, c];
                if (value.IsText)
                {
                    throw new InputException(offset, $"row {r}: offset '{offset}' is numeric, got the text {MessageText.Quote(value.Text!)}");
                }

                // The offset is added to the margin as it is: a missing or infinite one has no meaning the model defines.
                if (!double.IsFinite(value.Number))
                {
                    throw new InputException(offset, $"row {r}: offset '{offset}' must be a finite number, got {(value.IsMissing ? "a missing value" : value.Number.ToString(CultureInfo.InvariantCulture))}");
                }

                RequireFloat32(offset, "offset", r, value.Number, float32Columns);
            }
        }

        foreach (var feature in card.Features)
        {
            int c = rows.IndexOf(feature.Name);
            if (c < 0)
            {
                throw new InputException(feature.Name, $"missing feature '{feature.Name}' for model '{card.Id}'{MissingFeatureHint(feature.Name, rows.Columns)}");
            }

            for (int r = 0; r < rows.RowCount; r++)
            {
                var value = rows[r, c];
                if (!value.IsText && !value.IsMissing && !double.IsFinite(value.Number))
                {
                    throw new InputException(feature.Name, $"row {r}: feature '{feature.Name}' is not finite: got {value.Number.ToString(CultureInfo.InvariantCulture)}; expected a finite number (NaN or an empty cell for a missing value)");
                }

                if (!value.IsText && !value.IsMissing)
                {
                    RequireFloat32(feature.Name, "feature", r, value.Number, float32Columns);
                }

                // A missing category would become an all-zero one-hot the model never saw in training; a missing number is
                // routed by the model's own NaN semantics, so it stays allowed.
                if (feature.Type == "categorical" && value.IsMissing)
                {
                    throw new InputException(feature.Name, $"row {r}: feature '{feature.Name}' is categorical and has no value; expected one of its categories");
                }

                if (feature.Type == "numeric" && value.IsText)
                {
                    throw new InputException(feature.Name, $"row {r}: feature '{feature.Name}' is numeric, got the text {MessageText.Quote(value.Text)}");
                }

                if (feature.Type == "categorical" && !value.IsText && !value.IsMissing)
                {
                    throw new InputException(feature.Name, $"row {r}: feature '{feature.Name}' is categorical, got the number {value}");
                }

                if (feature.Type == "categorical" && value.IsText && feature.Categories is { Count: > 0 } categories && !categories.ContainsKey(value.Text!))
                {
                    throw new InputException(feature.Name, $"row {r}: category {MessageText.Quote(value.Text)} of feature '{feature.Name}' was never seen in training; known categories: {string.Join(", ", categories.Keys)}");
                }
            }
        }
    }

    /// <summary>A number bound for a float32 model input must stay finite when converted: beyond float.MaxValue ONNX
    /// Runtime would see infinity, which the row as written does not say.</summary>
    /// <exception cref="InputException">The conversion is infinite; the message names the column, the row, the value and the limit.</exception>
    private static void RequireFloat32(string column, string role, int row, double value, IReadOnlySet<string> float32Columns)
    {
        if (float32Columns.Contains(column) && !float.IsFinite((float)value))
        {
            throw new InputException(column, string.Create(CultureInfo.InvariantCulture,
                $"row {row}: {role} '{column}' is {value:R}, beyond the float32 range of the model's input (largest magnitude {float.MaxValue:R}); it would become infinity in ONNX Runtime"));
        }
    }

    /// <summary>
    /// Why a feature may be missing when the input seems to have it: a header that is one column holding ';' (a
    /// semicolon-separated file, while the reader splits on ','), or a column equal to the feature but for case or
    /// surrounding spaces. Empty when neither applies.
    /// </summary>
    public static string MissingFeatureHint(string feature, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 1 && columns[0].Split(';').Length > 1)
        {
            return $"; the input's header is one column holding ';' ({MessageText.Quote(columns[0])}): the file looks semicolon-separated, and the input must be comma-separated";
        }

        var near = columns.FirstOrDefault(c => !string.Equals(c, feature, StringComparison.Ordinal) && string.Equals(c.Trim(), feature.Trim(), StringComparison.OrdinalIgnoreCase));
        return near is null ? "" : $"; the input has {MessageText.Quote(near)}, which differs only in case or surrounding spaces (names must match exactly)";
    }
}
