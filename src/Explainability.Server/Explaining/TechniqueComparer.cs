using System.Diagnostics;
using System.Globalization;
using Explainability.Core.Comparison;
using Explainability.Core.Data;
using Explainability.Core.Shap;
using Explainability.Onnx;
using Explainability.Server.Models;

namespace Explainability.Server.Explaining;

/// <summary>
/// Runs several explanation methods on the same rows, each timed, and compares them with
/// <see cref="TechniqueComparison.Compute"/>. Shared by the CLI's <c>compare</c> and the <c>Compare</c> RPC.
/// </summary>
public static class TechniqueComparer
{
    /// <summary>Parses method names (each may itself be a comma-separated list): at least two distinct known methods.</summary>
    /// <exception cref="ArgumentException">An empty entry (<c>exact,,kernel</c>; the message gives the list and the
    /// entry's position), an unknown method, one named twice, or fewer than two.</exception>
    public static IReadOnlyList<string> ParseMethods(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var entries = new List<string>();
        foreach (string name in names)
        {
            var parts = name.Split(',', StringSplitOptions.TrimEntries);
            for (int i = 0; i < parts.Length; i++)
            {
                // A doubled or trailing comma is most likely a method lost in editing: refuse it rather than compare fewer methods.
                if (parts[i].Length == 0)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"the methods {MessageText.Quote(name)} have an empty entry (entry {i + 1} of {parts.Length}); list methods separated by single commas, e.g. exact,kernel"));
                }

                entries.Add(parts[i]);
            }
        }

        var list = entries.Select(n => ExplainMethods.Parse(n)!).ToList();
        var repeated = list.GroupBy(m => m, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw new ArgumentException($"method '{repeated.Key}' is named twice in the methods to compare");
        }

        if (list.Count < 2)
        {
            throw new ArgumentException($"a comparison needs at least two methods; got {list.Count}{(list.Count == 0 ? "" : $" ({string.Join(", ", list)})")}");
        }

        return list;
    }

    /// <summary>
    /// The reference: the one asked for (which must be among the methods), <c>none</c> for none, else <c>exact</c> when
    /// compared, else none.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown reference, one not among the methods, or a sampled method
    /// (<c>kernel</c>, <c>permutation</c>): their values are estimates with standard errors, so no delta to them measures
    /// an error.</exception>
    public static string? ResolveReference(IReadOnlyList<string> methods, string? reference)
    {
        ArgumentNullException.ThrowIfNull(methods);
        if (reference == "none")
        {
            return null;
        }

        if (string.IsNullOrEmpty(reference))
        {
            return methods.Contains(MethodNames.Exact, StringComparer.Ordinal) ? MethodNames.Exact : null;
        }

        string parsed = ExplainMethods.Parse(reference)!;
        if (ExplainMethods.IsSampled(parsed))
        {
            throw new ArgumentException(
                $"reference '{reference}' is a sampling method: {MethodNames.Kernel} and {MethodNames.Permutation} estimate SHAP values (with standard errors), so they cannot be the exact reference; use {MethodNames.Exact} (or another method that computes exact values) or 'none'");
        }

        return methods.Contains(parsed, StringComparer.Ordinal)
            ? parsed
            : throw new ArgumentException($"reference '{reference}' is not among the compared methods: {string.Join(", ", methods)}");
    }

    /// <summary>
    /// Runs every method of <paramref name="methods"/> on <paramref name="rows"/> with <paramref name="options"/> (its
    /// method ignored; its sampling budget given to the sampled methods only), timing each, and compares them.
    /// </summary>
    /// <remarks>
    /// Before anything is timed, each method runs once, discarded, on the first row against the first background row
    /// (<see cref="WarmUp"/>): the first ONNX Runtime <c>Run</c> of a session and the JIT compilation of each method's code
    /// would otherwise land in the wall time of whichever method is listed first (about 250 ms measured). The wall time
    /// then covers the method's own work on the rows: validation, the explainer's model evaluations and its check
    /// against ONNX Runtime.
    /// </remarks>
    /// <param name="model">The model every method explains.</param>
    /// <param name="rows">The raw rows, <c>[rows, columns]</c>.</param>
    /// <param name="methods">At least two distinct methods (<see cref="ParseMethods"/>).</param>
    /// <param name="reference">The exact reference (<see cref="ResolveReference"/>), or null.</param>
    /// <param name="options">Output space, budget, seed and limits shared by the methods.</param>
    /// <param name="topK">Requested <c>k</c> of the top-k overlap (capped, see <see cref="TechniqueComparison.TopK"/>).</param>
    /// <param name="warmedUp">Called with each method's name after its warm-up run (for tests and diagnostics); may be null.</param>
    /// <param name="cancellationToken">Checked between methods.</param>
    /// <exception cref="UnsupportedModelException">A method <paramref name="model"/> cannot do, checked before any runs;
    /// the message names it and lists the supported ones.</exception>
    /// <exception cref="ArgumentException">A sampling budget or seed while no compared method samples.</exception>
    public static TechniqueComparison Compare(
        LoadedModel model, FeatureTable rows, IReadOnlyList<string> methods, string? reference, ExplainOptions options, int topK,
        Action<string>? warmedUp = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        if (!methods.Any(ExplainMethods.IsSampled))
        {
            // As in explain: a budget or seed no method uses would suggest it had an effect.
            string listed = string.Join(", ", methods);
            if (options.NSamples is not null)
            {
                throw new ArgumentException($"nsamples applies to the sampling methods {MethodNames.Kernel} and {MethodNames.Permutation}; the compared methods {listed} compute exact values");
            }

            if (options.Seed is not null)
            {
                throw new ArgumentException($"seed applies to the sampling methods {MethodNames.Kernel} and {MethodNames.Permutation}; the compared methods {listed} are deterministic and use no seed");
            }
        }

        var supported = ExplainMethods.SupportedBy(model);
        foreach (var method in methods)
        {
            if (!supported.Contains(method, StringComparer.Ordinal))
            {
                throw new UnsupportedModelException(
                    $"model '{model.Id}' cannot be explained with method '{method}'; it supports: {string.Join(", ", supported)}");
            }
        }

        foreach (var method in methods)
        {
            cancellationToken.ThrowIfCancellationRequested();
            WarmUp(model, rows, method, MethodOptions(options, method));
            warmedUp?.Invoke(method);
        }

        var runs = new List<TechniqueRun>();
        foreach (var method in methods)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var methodOptions = MethodOptions(options, method);
            var watch = Stopwatch.StartNew();
            var outcome = ExplanationService.Explain(model, rows, methodOptions);
            watch.Stop();
            runs.Add(TechniqueRun.FromExplanation(outcome.Explanation, watch.Elapsed, method));
        }

        return TechniqueComparison.Compute(runs, reference, topK);
    }

    private static ExplainOptions MethodOptions(ExplainOptions options, string method) => options with
    {
        Method = method,
        NSamples = ExplainMethods.IsSampled(method) ? options.NSamples : null,
        Seed = ExplainMethods.IsSampled(method) ? options.Seed : null,
    };

    /// <summary>
    /// Runs <paramref name="method"/> once on the first row against the first background row and discards the result: the
    /// ONNX Runtime session's first <c>Run</c> and the method's JIT compilation happen here, outside the timed run. A
    /// failure is left to the timed run, which reports it with the full rows.
    /// </summary>
    private static void WarmUp(LoadedModel model, FeatureTable rows, string method, ExplainOptions options)
    {
        if (rows.RowCount == 0)
        {
            return;
        }

        var background = model.Background is { RowCount: > 0 } b ? b.SelectRows([0]) : null;
        var cheap = options with
        {
            Progress = null,
            NSamples = method == MethodNames.Permutation ? PermutationShap.MinimumPairs : null,
        };
        try
        {
            ExplanationService.Explain(model, rows.SelectRows([0]), cheap, background);
        }
        catch (Exception e) when (e is ArgumentException or InputException or UnsupportedModelException or Grpc.RequestLimitException or RuntimeDisagreementException)
        {
            // The timed run repeats the request on all rows and reports the problem.
        }
    }
}
