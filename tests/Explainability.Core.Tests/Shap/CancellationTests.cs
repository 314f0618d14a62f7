using Explainability.Core.Explanations;
using Explainability.Core.Shap;

namespace Explainability.Core.Tests.Shap;

/// <summary>A cancelled token stops the model-agnostic explainers within one batch of hybrid rows, and TreeSHAP before
/// its next row: what lets the server stop a call whose deadline passed.</summary>
public class CancellationTests
{
    private const int Players = 8;
    private const int BatchRows = 64;

    public static TheoryData<string> Methods => new() { MethodNames.Kernel, MethodNames.Permutation, MethodNames.Exact };

    [Theory]
    [MemberData(nameof(Methods))]
    public void Cancelling_during_a_run_stops_it_within_one_batch(string method)
    {
        using var cancel = new CancellationTokenSource();
        long predicted = 0, atCancel = -1, rowsWhenCancelled = -1;
        FuncModel? self = null;
        var model = new FuncModel(Players, 1, (x, y) =>
        {
            y[0] = x[0] + (x[1] * x[2]) - x[7];
            if (Interlocked.Increment(ref predicted) == 1000)
            {
                Interlocked.Exchange(ref atCancel, 1000);
                cancel.Cancel();
                // Counted once the token is cancelled: on a loaded machine this thread may be preempted between the
                // 1000th row and the cancellation while the other keeps predicting, which no explainer can prevent.
                Interlocked.Exchange(ref rowsWhenCancelled, self!.Rows);
            }
        });
        self = model;
        var background = Enumerable.Range(0, 4 * Players).Select(i => (double)(i % 5)).ToArray();
        var game = new InterventionalGame(model, background, maxBatchRows: BatchRows);
        var rows = Enumerable.Range(0, 20 * Players).Select(i => (double)(i % 7) + 0.5).ToArray();
        var labels = ExactShapTests.Labels(Players);
        long before = model.Rows;

        Assert.ThrowsAny<OperationCanceledException>(() => Run(method, game, rows, labels, cancel.Token));

        // After the token is cancelled, each of the (at most two) threads may finish the batch it was predicting (its rows
        // already counted when it started), and the other may have just passed its check and start one more.
        Assert.Equal(1000, atCancel);
        Assert.True(rowsWhenCancelled - before >= 1000, $"{rowsWhenCancelled - before} rows counted when cancelled");
        Assert.InRange(model.Rows - rowsWhenCancelled, 0, 2 * BatchRows);
    }

    [Fact]
    public void A_token_cancelled_before_the_run_stops_TreeShap_before_any_row()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var prepared = TreeShapExplainer.Prepare(RandomEnsembles.Create(new Random(1), 3, 1, 5, 3), FeatureMap.Identity(["x0", "x1", "x2"]), [0, 0, 0, 1, 1, 1], TreeShapMethod.Interventional);

        Assert.ThrowsAny<OperationCanceledException>(() =>
            TreeShapExplainer.Explain(prepared, LinkFunction.Identity, ["y"], [1, 2, 3], degreeOfParallelism: 1, cancellationToken: cancel.Token));
    }

    private static Explanation Run(string method, InterventionalGame game, double[] rows, ExplanationLabels labels, CancellationToken token) => method switch
    {
        MethodNames.Kernel => KernelShap.Explain(game, rows, labels, nsamples: 200, seed: 1, degreeOfParallelism: 2, cancellationToken: token),
        MethodNames.Permutation => PermutationShap.Explain(game, rows, labels, permutationPairs: 20, seed: 1, degreeOfParallelism: 2, cancellationToken: token),
        _ => ExactShap.Explain(game, rows, labels, degreeOfParallelism: 2, cancellationToken: token),
    };
}
