namespace Explainability.Server.Explaining;

/// <summary>What to compute for a request.</summary>
/// <param name="Method">The explainer (<see cref="ExplainMethods.All"/>), or null or empty for the model's default
/// (<see cref="ExplainMethods.DefaultFor"/>).</param>
/// <param name="OutputSpace"><c>margin</c> or <c>probability</c>, or null or empty for the method's default: margin where
/// the model's tree ensemble or linear model was parsed, else probability (the served output).</param>
/// <param name="AllowExtraColumns">Whether input columns that are not model features are ignored (CLI CSVs with ids or labels) rather than refused.</param>
/// <param name="DegreeOfParallelism">Threads over rows.</param>
/// <param name="NSamples">The sampling budget: coalitions per row for <c>kernel</c>, antithetic pairs of orders per row for
/// <c>permutation</c>; null for the default (<see cref="ExplainMethods.DefaultKernelSamples"/>,
/// <see cref="ExplainMethods.DefaultPermutationPairs"/>). Refused for the other methods.</param>
/// <param name="Seed">Seed of the sampling methods, recorded in the explanation (casebook C20); null for
/// <see cref="ExplainMethods.DefaultSeed"/>. Refused for the other methods, like <paramref name="NSamples"/>, so that a
/// request never carries a setting that had no effect.</param>
/// <param name="MaxExactPlayers">Largest number of players <c>exact</c> enumerates.</param>
/// <param name="MaxModelEvaluations">Most model evaluations a model-agnostic explanation may need (estimated up front), or
/// null for no limit; beyond it the request is refused with <see cref="Grpc.RequestLimitException"/>.</param>
/// <param name="Progress">Receives the model evaluations of a model-agnostic explanation as it runs (every quarter second,
/// from a timer thread), or null.</param>
/// <param name="CancellationToken">Stops the explainers (checked before each row and each batch sent to the model): the
/// gRPC call's token, cancelled when the client cancels or its deadline passes. A cancelled explanation throws
/// <see cref="OperationCanceledException"/> and returns nothing, so nothing of it is recorded.</param>
public sealed record ExplainOptions(
    string? Method = null,
    string? OutputSpace = null,
    bool AllowExtraColumns = false,
    int DegreeOfParallelism = 1,
    int? NSamples = null,
    int? Seed = null,
    int MaxExactPlayers = Core.Shap.ExactShap.DefaultMaxPlayers,
    long? MaxModelEvaluations = null,
    IProgress<EvaluationProgress>? Progress = null,
    CancellationToken CancellationToken = default);
