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
    /// <exception cref="UnsupportedModelException">A method <paramref name="model"/> cannot do, checked before any runs;
    /// the message names it and lists the supported ones.</exception>
    /// <exception cref="ArgumentException">A sampling budget or seed while no compared method samples.</exception>
    public static TechniqueComparison Compare(
        LoadedModel model, FeatureTable rows, IReadOnlyList<string> methods, string? reference, ExplainOptions options, int topK,
        CancellationToken cancellationToken = default)
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

        var runs = new List<TechniqueRun>();
        foreach (var method in methods)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var methodOptions = options with { Method = method, NSamples = ExplainMethods.IsSampled(method) ? options.NSamples : null, Seed = ExplainMethods.IsSampled(method) ? options.Seed : null };
            var watch = Stopwatch.StartNew();
            var outcome = ExplanationService.Explain(model, rows, methodOptions);
            watch.Stop();
            runs.Add(TechniqueRun.FromExplanation(outcome.Explanation, watch.Elapsed, method));
        }

        return TechniqueComparison.Compute(runs, reference, topK);
    }
}
