using System.CommandLine;
using Explainability.Cli.Batch;
using Explainability.Cli.Output;
using Explainability.Core.Data;
using Explainability.Core.Shap;
using Explainability.Onnx;
using Explainability.Server.Explaining;
using Explainability.Server.Hosting;
using Explainability.Server.Models;
using Explainability.Views;

namespace Explainability.Cli.Commands;

/// <summary>
/// <c>explain --model &lt;folder | file.onnx&gt; --input rows.csv [--background bg.csv]
/// [--method tree_path_dependent|interventional|linear|kernel|permutation|exact] [--output-space margin|probability]
/// [--nsamples N] [--seed S] [--with-se] [--format csv|json|text|parquet] [--audience NAME[,NAME...]] [--language CODE] [--out FILE]
/// [--chunk-rows N] [--views-out FILE.jsonl] [--resume]</c>: SHAP values of every
/// input row on the raw features, by the method <see cref="ExplanationService"/> picks or is asked for (README, "explain").
/// </summary>
/// <remarks>
/// <para>A stable contract used by external checks.</para>
/// <para>Model: a folder with <c>model-card.json</c>, or a bare <c>.onnx</c> file. For a bare file the input columns
/// must be exactly the model's inputs: a single <c>[N, M]</c> tensor input takes the <c>M</c> header columns by position
/// (and names its features after them); one input per column binds by name. Any other column is an error naming it.
/// For a model with a card, the card's features bind by name and other columns (ids, a label) are ignored.</para>
/// <para>Cells: an empty cell or <c>NaN</c> is a missing value; numbers are invariant-culture; the card's categorical
/// columns are always read as text, so a number there is a category label (and refused unless the card knows it).</para>
/// <para><c>--format csv</c> (the default): <c>row,output,&lt;feature columns&gt;,base_value,model_output</c>, one line per
/// input row and output, where the feature columns are the model's raw features in the order of the input header, and
/// <c>output</c> is the class label: the card's positive class for a binary classifier that serves one score, the card's
/// class at the output's index for target indices, else the ONNX graph's own name (a class label, or a target index for a
/// regressor or a bare ONNX file without class labels). Values are in the explanation's output space (margin by default
/// for tree and linear models: log-odds for logistic classifiers; the served probability otherwise) in round-trip
/// precision; <c>base_value + sum = model_output</c>; <c>--with-se</c> appends a <c>&lt;feature&gt;_se</c> column per
/// feature. See <see cref="ExplanationCsvWriter"/> and <see cref="ExplainReport"/>.</para>
/// <para>Batch mode: <c>csv</c>, <c>parquet</c> and <c>text</c> are read, explained and written a chunk of rows at a time,
/// with a progress file beside <c>--out</c> that <c>--resume</c> continues from (<see cref="BatchExplainer"/>); the output
/// does not depend on the chunk size.</para>
/// <para><c>--format json</c>: see <see cref="ExplanationJsonWriter"/>. <c>--format text</c> or <c>--audience NAME</c>:
/// that audience's rendered text view of every row (default <c>data-scientist</c>).</para>
/// <para>Failures (exit code 2, <c>error: ...</c> on stderr): unknown model path, unreadable ONNX, a method the model
/// cannot do, a background without the model's columns, nsamples below the minimum, exact over the player limit,
/// missing input file, ragged CSV row, <c>--out</c> naming the input, the background or a file of the model, missing or unknown feature, wrong type, unseen category, unknown method, format,
/// audience or output space.</para>
/// </remarks>
internal sealed class ExplainCommand(TextWriter output) : ICliCommand
{
    /// <summary>The values <c>--format</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Formats = ["csv", "json", "text", "parquet"];

    /// <summary>Rows per chunk of a batch when <c>--chunk-rows</c> is not given.</summary>
    public const int DefaultChunkRows = 10_000;

    public Command Build()
    {
        var model = new Option<string>("--model") { Description = "Model folder (with model-card.json) or a bare .onnx file", Required = true };
        var input = new Option<string>("--input") { Description = "CSV of rows to explain (header = feature names; empty or NaN = missing)", Required = true };
        var background = new Option<string?>("--background") { Description = "Background CSV (default: the model card's)" };
        var method = new Option<string?>("--method")
        {
            Description = "tree_path_dependent, interventional, linear, kernel, permutation or exact (default: tree_path_dependent for a tree ensemble, linear for a linear model, else kernel)",
        };
        var space = new Option<string?>("--output-space") { Description = "margin or probability (default: margin where the tree ensemble or linear model was read, else probability)" };
        var nsamples = new Option<int?>("--nsamples") { Description = "kernel: coalitions per row (default 2M+2048, at most 2^M-2); permutation: antithetic pairs of orders per row (default 32)" }.WholeNumber();
        var seed = new Option<int?>("--seed") { Description = $"Seed of kernel and permutation (default {ExplainMethods.DefaultSeed}); refused for the exact methods" }.WholeNumber();
        var withSe = new Option<bool>("--with-se") { Description = "CSV: add a <feature>_se column per feature after the others (sampled methods)" };
        var format = new Option<string?>("--format") { Description = "csv (default), json, text or parquet (needs --out)" };
        var audience = new Option<string?>("--audience") { Description = $"Render these audiences' text views of every row (comma-separated): {string.Join(", ", Audiences.All)}" };
        var language = new Option<string?>("--language") { Description = "Language of the text views (en, nl, ...; default en); a code without a translation falls back to English" };
        var outFile = new Option<string?>("--out") { Description = "Write here instead of standard output" };
        var maxEvaluations = MaxEvaluationsOption();
        var chunkRows = new Option<int?>("--chunk-rows") { Description = $"Rows read, explained and written at a time (default {DefaultChunkRows:N0}); not with --format json" }.WholeNumber();
        chunkRows.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 and var n)
            {
                result.AddError($"--chunk-rows must be at least 1, got {n}");
            }
        });
        var viewsOut = new Option<string?>("--views-out") { Description = "Also write each row's view for every --audience (default data-scientist) as JSON lines to this file" };
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted run with the same options from --out's progress file, without redoing finished chunks" };
        var command = new Command("explain", "Explain rows of a model with TreeSHAP, Linear SHAP or a model-agnostic explainer")
        {
            model, input, background, method, space, nsamples, seed, withSe, format, audience, language, outFile, maxEvaluations, chunkRows, viewsOut, resume,
        };
        command.SetAction(parse => Run(
            parse.GetValue(model)!,
            parse.GetValue(input)!,
            parse.GetValue(background),
            new ExplainOptions(
                ExplainMethods.Parse(parse.GetValue(method)),
                parse.GetValue(space),
                AllowExtraColumns: true,
                Environment.ProcessorCount,
                parse.GetValue(nsamples),
                parse.GetValue(seed),
                MaxModelEvaluations: parse.GetValue(maxEvaluations)),
            parse.GetValue(withSe),
            parse.GetValue(format),
            parse.GetValue(audience),
            parse.GetValue(outFile),
            parse.GetValue(language),
            new BatchOptions(parse.GetValue(chunkRows), parse.GetValue(viewsOut), parse.GetValue(resume))));
        return command;
    }

    private int Run(string modelPath, string inputPath, string? backgroundPath, ExplainOptions options, bool withSe, string? formatName, string? audienceList, string? outFile, string? language, BatchOptions batch)
    {
        if (language is not null && !Views.Policies.AudiencePolicy.IsLanguageCode(language))
        {
            // The language picks a template file, so only a language code may reach it.
            throw new ArgumentException($"--language '{language}' is not a language code such as 'en', 'nl' or 'en-GB'");
        }

        if (language is not null && formatName is not null && formatName != "text" && batch.ViewsOut is null)
        {
            throw new ArgumentException($"--language applies to the text views; it cannot be combined with --format {formatName}");
        }

        string format = formatName ?? (audienceList is null || batch.ViewsOut is not null ? "csv" : "text");
        if (!Formats.Contains(format, StringComparer.Ordinal))
        {
            throw new ArgumentException($"unknown format '{format}'; expected one of: {string.Join(", ", Formats)}");
        }

        var audiences = ParseAudiences(audienceList);
        if (audienceList is not null && format != "text" && batch.ViewsOut is null)
        {
            throw new ArgumentException($"--audience renders text views; it cannot be combined with --format {format}");
        }

        RequireBatchOptionsFit(format, outFile, batch);
        if (!File.Exists(inputPath))
        {
            throw new FileNotFoundException($"no input file at {inputPath}", inputPath);
        }

        if (outFile is not null)
        {
            RequireOutDoesNotOverwriteInputs(outFile, inputPath, backgroundPath, modelPath);
        }

        if (batch.ViewsOut is not null)
        {
            RequireOutDoesNotOverwriteInputs(batch.ViewsOut, inputPath, backgroundPath, modelPath, "--views-out");
            if (outFile is not null && string.Equals(Path.GetFullPath(outFile), Path.GetFullPath(batch.ViewsOut), StringComparison.Ordinal))
            {
                throw new CliException($"--views-out {batch.ViewsOut} is the --out file; name another file for the views");
            }
        }

        // A bare ONNX file with one [N, M] input takes its feature names from the CSV header.
        var header = CsvTableReader.Parse(FirstLine(inputPath), inputPath).Columns;
        using var loaded = LoadedModel.Load(modelPath, header, backgroundPath);
        RequireOnlyModelInputs(loaded, new FeatureTable(header, []));
        if (loaded.CardIsDerived && audienceList is not null && audiences.Contains(Audiences.Customer, StringComparer.Ordinal))
        {
            // Refused before any view is written, not after the other audiences' views of the first rows.
            throw new CliException($"the customer audience needs a model card: model '{loaded.Id}' has none, so no feature is known to be protected or internal; pass the model folder with its model-card.json");
        }

        // Extra columns reach the service only for a model with a card (a bare model's were refused above).
        // The background was read by the model (the card's, or --background overriding it): every method uses that one.
        if (format != "json")
        {
            string method = ExplainMethods.Parse(options.Method) ?? ExplainMethods.DefaultFor(loaded).Method;
            var settings = new BatchSettings(
                loaded.Id,
                loaded.Sha256,
                loaded.BackgroundSha256,
                method,
                options.OutputSpace,
                options.NSamples,
                ExplainMethods.IsSampled(method) ? options.Seed ?? ExplainMethods.DefaultSeed : options.Seed,
                format,
                withSe,
                batch.ChunkRows ?? DefaultChunkRows,
                batch.ViewsOut is null ? null : Path.GetFullPath(batch.ViewsOut),
                audiences,
                language);
            BatchExplainer.Run(new BatchJob(inputPath, outFile, batch.ViewsOut, batch.Resume, settings), loaded, options, output);
            return 0;
        }

        // JSON is one document whose header sums over all rows (the largest runtime error, the model evaluations): one pass.
        var rows = LoadedModel.ReadTable(inputPath, loaded.Card);
        var outcome = EvaluationProgressBar.Run(progress => ExplanationService.Explain(loaded, rows, options with { Progress = progress }));
        var report = ExplainReport.Create(outcome, rows);
        using var writer = outFile is null ? null : new StreamWriter(outFile);
        ExplanationJsonWriter.Write(report, (TextWriter?)writer ?? output);
        return 0;
    }

    /// <summary>The audiences of a comma-separated <c>--audience</c> list, in order; <c>data-scientist</c> when none is given.</summary>
    /// <exception cref="ArgumentException">An unknown or repeated audience; the message names it and lists the known ones.</exception>
    private static List<string> ParseAudiences(string? list)
    {
        if (list is null)
        {
            return [Audiences.DataScientist];
        }

        var audiences = list.Split(',', StringSplitOptions.TrimEntries).ToList();
        foreach (var audience in audiences)
        {
            if (!Audiences.All.Contains(audience, StringComparer.Ordinal))
            {
                throw new ArgumentException($"unknown audience '{audience}'; expected one of: {string.Join(", ", Audiences.All)}");
            }
        }

        if (audiences.Distinct(StringComparer.Ordinal).Count() != audiences.Count)
        {
            throw new ArgumentException($"--audience {list} names an audience twice; list each once");
        }

        return audiences;
    }

    /// <summary>The batch options fit the format: JSON is one document written in one pass (no chunks, no resume, no views
    /// file); Parquet and <c>--resume</c> need an <c>--out</c> file.</summary>
    /// <exception cref="ArgumentException">An option that does not fit; the message names it.</exception>
    private static void RequireBatchOptionsFit(string format, string? outFile, BatchOptions batch)
    {
        if (format == "json")
        {
            string? option = batch.ChunkRows is not null ? "--chunk-rows" : batch.Resume ? "--resume" : batch.ViewsOut is not null ? "--views-out" : null;
            if (option is not null)
            {
                throw new ArgumentException($"{option} applies to the batch formats csv, parquet and text; --format json is one document written in one pass");
            }
        }

        if (format == "parquet" && outFile is null)
        {
            throw new ArgumentException("--format parquet writes a binary file: name it with --out");
        }

        if (batch.Resume && outFile is null)
        {
            throw new ArgumentException("--resume continues the --out file of an interrupted run: name it with --out");
        }
    }

    /// <summary>
    /// <c>--max-evaluations</c>: the most model evaluations a model-agnostic explanation may need (rows x coalitions x
    /// background rows, estimated before it starts), by default the server's per-request limit, so that a large
    /// <c>--nsamples</c> is refused up front instead of running for hours.
    /// </summary>
    internal static Option<long> MaxEvaluationsOption()
    {
        long limit = new ExplainabilityServerOptions().MaxModelEvaluationsPerRequest;
        var option = new Option<long>("--max-evaluations")
        {
            Description = "Most model evaluations (rows x coalitions x background rows) a kernel, permutation or exact run may need",
            DefaultValueFactory = _ => limit,
        }.WholeNumber();
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() < 1)
            {
                result.AddError($"--max-evaluations must be at least 1, got {result.GetValueOrDefault<long>()}");
            }
        });
        return option;
    }

    /// <summary>
    /// <c>--out</c> must not name a file the command reads: the input, the background, the <c>.onnx</c> file or any file in
    /// the model folder (its card, model and background). Paths are compared fully resolved (symbolic links followed).
    /// </summary>
    /// <param name="outFile">The file to write.</param>
    /// <param name="inputPath">The input rows.</param>
    /// <param name="backgroundPath">The background file, or null.</param>
    /// <param name="modelPath">The model folder or file.</param>
    /// <param name="option">The option that names <paramref name="outFile"/>, for the message.</param>
    /// <exception cref="CliException">The output would overwrite one of them; the message names both paths.</exception>
    internal static void RequireOutDoesNotOverwriteInputs(string outFile, string inputPath, string? backgroundPath, string modelPath, string option = "--out")
    {
        if (Directory.Exists(outFile))
        {
            throw new CliException($"{option} {outFile} is a folder; name a file to write");
        }

        string? outFolder = Path.GetDirectoryName(Path.GetFullPath(outFile));
        if (outFolder is not null && !Directory.Exists(outFolder))
        {
            throw new CliException($"{option} {outFile}: the folder {outFolder} does not exist");
        }

        string target = Resolve(outFile);
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (string.Equals(target, Resolve(inputPath), comparison))
        {
            throw new CliException($"{option} {outFile} is the input file {inputPath}; writing there would overwrite the rows being explained");
        }

        if (backgroundPath is not null && string.Equals(target, Resolve(backgroundPath), comparison))
        {
            throw new CliException($"{option} {outFile} is the background file {backgroundPath}; write the result elsewhere");
        }

        string model = Resolve(modelPath);
        if (Directory.Exists(modelPath))
        {
            string folder = Path.TrimEndingDirectorySeparator(model) + Path.DirectorySeparatorChar;
            if (target.StartsWith(folder, comparison) || string.Equals(target, Path.TrimEndingDirectorySeparator(model), comparison))
            {
                throw new CliException($"{option} {outFile} is inside the model folder {modelPath}; write the result outside it so the model's files stay intact");
            }
        }
        else if (string.Equals(target, model, comparison))
        {
            throw new CliException($"{option} {outFile} is the model file {modelPath}; write the result elsewhere");
        }
    }

    /// <summary>The absolute path, with a symbolic link (the file or folder itself, or its parent folder) followed to its target.</summary>
    private static string Resolve(string path)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (Directory.Exists(full))
        {
            return new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        }

        string? directory = Path.GetDirectoryName(full);
        if (directory is not null && Directory.Exists(directory))
        {
            var linked = new DirectoryInfo(directory).ResolveLinkTarget(returnFinalTarget: true);
            if (linked is not null)
            {
                full = Path.Combine(linked.FullName, Path.GetFileName(full));
            }
        }

        var file = new FileInfo(full);
        return file.Exists && file.ResolveLinkTarget(returnFinalTarget: true) is { } target ? target.FullName : full;
    }

    /// <summary>For a bare ONNX file (whatever its graph: tree, linear or neither), every input column must be a model input:
    /// no card says which columns to ignore, and an ignored column would be reported as a feature with SHAP value 0.</summary>
    /// <param name="model">The model.</param>
    /// <param name="rows">The input rows.</param>
    /// <param name="allowed">One more column that may be there (the summarize command's cohort column), or null.</param>
    /// <exception cref="InputException">A column is not a model input; the message names it and lists the inputs.</exception>
    internal static void RequireOnlyModelInputs(LoadedModel model, FeatureTable rows, string? allowed = null)
    {
        if (!model.CardIsDerived)
        {
            return;
        }

        var inputs = model.Onnx.Inputs.SelectMany(i => i.ColumnNames).ToList();
        foreach (var column in rows.Columns)
        {
            if (!inputs.Contains(column, StringComparer.Ordinal) && column != allowed)
            {
                throw new InputException(column,
                    $"unknown feature {MessageText.Quote(column)}: the input column is not an input of model '{model.Id}'; its inputs are: {string.Join(", ", inputs)}");
            }
        }
    }

    /// <summary>The first line of a text file (a CSV header), or empty for an empty file.</summary>
    internal static string FirstLine(string path)
    {
        using var reader = new StreamReader(path);
        return reader.ReadLine() ?? "";
    }
}
