using Explainability.Core.Explanations;
using Explainability.Core.Trees;

namespace Explainability.Core.Shap;

/// <summary>
/// A TreeSHAP explainer ready for rows (<see cref="TreeShapExplainer.Prepare"/>): the ensemble, its feature map, the
/// method's precomputed state (path-dependent: covers; interventional: leaf tables and the background) and the method's
/// recorded parameters. Immutable and thread-safe; each thread uses its own workspace.
/// </summary>
public sealed class PreparedTreeShap
{
    private readonly TreeShapPathDependent? _pathDependent;
    private readonly TreeShapInterventional? _interventional;

    internal PreparedTreeShap(TreeEnsemble ensemble, FeatureMap map, TreeShapMethod method, IReadOnlyDictionary<string, string> parameters, TreeShapPathDependent? pathDependent, TreeShapInterventional? interventional)
    {
        Ensemble = ensemble;
        Map = map;
        Method = method;
        Parameters = parameters;
        _pathDependent = pathDependent;
        _interventional = interventional;
        ExpectedValue = pathDependent?.ExpectedValue ?? interventional!.ExpectedValue;
    }

    /// <summary>The model in margin space.</summary>
    public TreeEnsemble Ensemble { get; }

    /// <summary>Input columns -> raw features.</summary>
    public FeatureMap Map { get; }

    /// <summary>The feature perturbation.</summary>
    public TreeShapMethod Method { get; }

    /// <summary>Parameters recorded in every explanation made with it (method, background size and hash, covers source, ...).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>Base value in margin space, <c>[outputs]</c>.</summary>
    public double[] ExpectedValue { get; }

    /// <summary>The path-dependent explainer, or null when the method is interventional.</summary>
    internal TreeShapPathDependent? PathDependent => _pathDependent;

    /// <summary>Scratch memory for one thread.</summary>
    internal object CreateWorkspace() => _pathDependent is not null ? _pathDependent.CreateWorkspace() : _interventional!.CreateWorkspace();

    /// <summary>SHAP values of one row, <c>[players, outputs]</c>, into <paramref name="phi"/>.</summary>
    internal void ExplainRow(ReadOnlySpan<double> x, Span<double> phi, object workspace)
    {
        if (_pathDependent is not null)
        {
            _pathDependent.Explain(x, phi, (TreeShapPathDependent.Workspace)workspace);
        }
        else
        {
            _interventional!.Explain(x, phi, (TreeShapInterventional.Workspace)workspace);
        }
    }
}
