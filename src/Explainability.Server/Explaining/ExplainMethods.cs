using Explainability.Core.Data;
using Explainability.Core.Shap;
using Explainability.Server.Models;

namespace Explainability.Server.Explaining;

/// <summary>The explanation methods a request may name, and which of them a model supports.</summary>
public static class ExplainMethods
{
    /// <summary>The seed of the sampling methods when a request gives none (recorded in every sampled explanation).</summary>
    public const int DefaultSeed = 20260101;

    /// <summary>Default antithetic pairs of player orders per row for <c>permutation</c>.</summary>
    public const int DefaultPermutationPairs = 32;

    /// <summary>Every method, in the order they are listed to clients.</summary>
    public static readonly IReadOnlyList<string> All =
        [MethodNames.TreePathDependent, MethodNames.Interventional, MethodNames.Linear, MethodNames.Kernel, MethodNames.Permutation, MethodNames.Exact];

    /// <summary>The model-agnostic methods, which run the model as a black box over a background.</summary>
    public static readonly IReadOnlyList<string> ModelAgnostic = [MethodNames.Kernel, MethodNames.Permutation, MethodNames.Exact];

    /// <summary>Whether <paramref name="method"/> is a TreeSHAP method.</summary>
    public static bool IsTree(string method) => method is MethodNames.TreePathDependent or MethodNames.Interventional;

    /// <summary>Whether <paramref name="method"/> is model-agnostic (<see cref="ModelAgnostic"/>).</summary>
    public static bool IsModelAgnostic(string method) => method is MethodNames.Kernel or MethodNames.Permutation or MethodNames.Exact;

    /// <summary>Whether <paramref name="method"/> takes a sampling budget and reports standard errors.</summary>
    public static bool IsSampled(string method) => method is MethodNames.Kernel or MethodNames.Permutation;

    /// <summary>Default coalitions per row for <c>kernel</c> over <paramref name="players"/> players: <c>2 M + 2048</c>
    /// as in the shap package, at most every coalition (then the result is exact).</summary>
    public static int DefaultKernelSamples(int players) =>
        (int)Math.Max(KernelShap.MinimumSamples(players), Math.Min((2L * players) + 2048, KernelShap.EnumerationSize(players)));

    /// <summary>Checks a method name; the default (<c>null</c> or empty) passes as null.</summary>
    /// <exception cref="ArgumentException">Unknown method; the message lists the known ones.</exception>
    public static string? Parse(string? name) => string.IsNullOrEmpty(name) ? null
        : name == "path_dependent" ? MethodNames.TreePathDependent
        : All.Contains(name, StringComparer.Ordinal) ? name
        : throw new ArgumentException($"unknown method {MessageText.Quote(name)}: expected one of {string.Join(", ", All)}");

    /// <summary>
    /// The method a request without one gets: <c>tree_path_dependent</c> for a tree ensemble TreeSHAP can take,
    /// <c>linear</c> for a linear model, else <c>kernel</c> (with the reason, for the response's <c>fallback_reason</c>).
    /// </summary>
    public static (string Method, string? FallbackReason) DefaultFor(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Onnx.TreeModel is not null)
        {
            return (MethodNames.TreePathDependent, null);
        }

        if (model.Onnx.LinearModel is not null)
        {
            return (MethodNames.Linear, null);
        }

        return (MethodNames.Kernel, FallbackReason(model));
    }

    /// <summary>Why neither TreeSHAP nor Linear SHAP can explain <paramref name="model"/>.</summary>
    public static string FallbackReason(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return $"no tree ensemble TreeSHAP can take ({model.Onnx.TreeModelUnavailableReason}) and no linear model ({model.Onnx.LinearModelUnavailableReason}): explained as a black box";
    }

    /// <summary>
    /// The methods <paramref name="model"/> supports: the TreeSHAP methods for a parsed tree ensemble, <c>linear</c> for a
    /// parsed linear model, and with a background the model-agnostic ones (<c>exact</c> only up to
    /// <see cref="ExactShap.DefaultMaxPlayers"/> players).
    /// </summary>
    public static IReadOnlyList<string> SupportedBy(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var result = new List<string>();
        if (model.Onnx.TreeModel is not null)
        {
            result.Add(MethodNames.TreePathDependent);
            result.Add(MethodNames.Interventional);
        }

        if (model.Onnx.LinearModel is not null)
        {
            result.Add(MethodNames.Linear);
        }

        if (model.Background is not null)
        {
            result.Add(MethodNames.Kernel);
            result.Add(MethodNames.Permutation);
            if (model.Onnx.BlackBoxInputNames.Count <= ExactShap.DefaultMaxPlayers)
            {
                result.Add(MethodNames.Exact);
            }
        }

        return result;
    }
}
