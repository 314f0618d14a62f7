using Explainability.Core.Data;
namespace Explainability.Core.Shap;

/// <summary>The feature perturbation of TreeSHAP, named as in the SHAP literature and the API.</summary>
public enum TreeShapMethod
{
    /// <summary><c>tree_path_dependent</c>: node covers stand in for the data distribution.</summary>
    PathDependent,

    /// <summary><c>interventional</c>: expectation over a background dataset.</summary>
    Interventional,
}

/// <summary>Names of explanation methods as they appear in requests, CSV and views.</summary>
public static class MethodNames
{
    /// <summary>Path-dependent TreeSHAP.</summary>
    public const string TreePathDependent = "tree_path_dependent";

    /// <summary>Interventional TreeSHAP.</summary>
    public const string Interventional = "interventional";

    /// <summary>Exact Shapley values by enumeration of all coalitions over a background (<see cref="ExactShap"/>).</summary>
    public const string Exact = "exact";

    /// <summary>KernelSHAP (<see cref="KernelShap"/>).</summary>
    public const string Kernel = "kernel";

    /// <summary>Permutation sampling (<see cref="PermutationShap"/>).</summary>
    public const string Permutation = "permutation";

    /// <summary>Linear SHAP (<see cref="LinearShap"/>).</summary>
    public const string Linear = "linear";

    /// <summary>The request name of <paramref name="method"/>.</summary>
    public static string Of(TreeShapMethod method) => method == TreeShapMethod.PathDependent ? TreePathDependent : Interventional;

    /// <summary>Parses a request name.</summary>
    /// <exception cref="ArgumentException">Unknown method; the message lists the known ones.</exception>
    public static TreeShapMethod Parse(string name) => name switch
    {
        TreePathDependent or "path_dependent" or "" => TreeShapMethod.PathDependent,
        Interventional => TreeShapMethod.Interventional,
        _ => throw new ArgumentException($"unknown method {MessageText.Quote(name)}: expected {TreePathDependent} or {Interventional}", nameof(name)),
    };
}
