using System.Globalization;
using System.Numerics;
using Explainability.Core.Explanations;

namespace Explainability.Core.Shap;

/// <summary>
/// Exact interventional SHAP values of any model by enumerating all <c>2^M</c> coalitions of the M players:
/// <c>phi_i = sum over S not containing i of |S|! (M - |S| - 1)! / M! * (v(S + i) - v(S))</c> (Shapley 1953), with
/// <c>v(S) = mean over background rows b of f(x_S, b_rest)</c> (<see cref="InterventionalGame"/>). The reference the
/// sampled explainers are checked against.
/// </summary>
/// <remarks>Cost per row: <c>(2^M' - 2) * backgroundRows</c> model rows, where M' is the number of players that differ
/// between the row and the background (the others are exact zeros). Additive by construction:
/// <c>base + sum(phi) = f(x)</c> up to rounding.</remarks>
public static class ExactShap
{
    /// <summary>The default largest player count <see cref="Explain"/> accepts.</summary>
    public const int DefaultMaxPlayers = 16;

    /// <summary>The largest <c>maxPlayers</c>: 2^24 coalition values per row and output.</summary>
    public const int MaxPlayersLimit = 24;

    private const int ChunkCoalitions = 4096;

    /// <summary>Explains <paramref name="rows"/>.</summary>
    /// <param name="game">The model, background and players.</param>
    /// <param name="rows">Rows to explain, <c>[rows, inputs]</c>.</param>
    /// <param name="labels">Feature and output names, output space and link of the model's outputs.</param>
    /// <param name="maxPlayers">Largest number of players to enumerate (<c>2^M</c> coalitions), at most <see cref="MaxPlayersLimit"/>.</param>
    /// <param name="degreeOfParallelism">Threads over rows; the numbers do not depend on it.</param>
    /// <param name="cancellationToken">Checked before each row and each batch of hybrid rows sent to the model.</param>
    /// <returns>Method <c>exact</c>: SHAP values <c>[rows, features, outputs]</c> in the model's output space, base
    /// values <c>E f(b)</c> and model outputs <c>f(x)</c> <c>[rows, outputs]</c>; no standard errors.</returns>
    /// <exception cref="ArgumentException">The game has more players than <paramref name="maxPlayers"/> (the message
    /// names both), or the rows or labels do not fit the model.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxPlayers"/> is above <see cref="MaxPlayersLimit"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing is returned.</exception>
    public static Explanation Explain(InterventionalGame game, ReadOnlySpan<double> rows, ExplanationLabels labels, int maxPlayers = DefaultMaxPlayers, int degreeOfParallelism = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(game);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPlayers, MaxPlayersLimit);
        if (game.PlayerCount > maxPlayers)
        {
            throw new ArgumentException($"exact SHAP enumerates 2^M coalitions and is limited to {maxPlayers} players (maxPlayers); this game has {game.PlayerCount} players: use KernelSHAP or permutation SHAP, or raise the limit", nameof(game));
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["max_players"] = maxPlayers.ToString(CultureInfo.InvariantCulture),
        };
        return game.Run(rows, labels, MethodNames.Exact, parameters, sampled: false, degreeOfParallelism, () => new ScratchBuffers(), (_, x, fx, varying, phi, _, ws, scratch) => ExplainRow(game, x, fx, varying, phi, ws, scratch), cancellationToken);
    }

    private static long ExplainRow(InterventionalGame game, ReadOnlySpan<double> x, ReadOnlySpan<double> fx, ReadOnlySpan<int> varying, Span<double> phi, InterventionalGame.Workspace ws, ScratchBuffers scratch)
    {
        int m = varying.Length, players = game.PlayerCount, outputs = game.OutputCount;
        if (m == 0)
        {
            return 0;
        }

        int full = (1 << m) - 1;

        // values[s] for coalition bit mask s over the varying players; the empty and full coalitions are known. The
        // others are evaluated in chunks so that the masks stay small whatever M.
        var values = scratch.Values((full + 1) * outputs);
        int chunk = Math.Min(full - 1, ChunkCoalitions);
        var masks = scratch.Masks(chunk * players);
        long evaluations = 0;
        for (int first = 1; first < full; first += chunk)
        {
            int count = Math.Min(chunk, full - first);
            for (int i = 0; i < count; i++)
            {
                var mask = masks.AsSpan(i * players, players);
                mask.Clear();
                for (int j = 0; j < m; j++)
                {
                    mask[varying[j]] = ((first + i) & (1 << j)) != 0;
                }
            }

            evaluations += game.Evaluate(x, masks.AsSpan(0, count * players), count, values.AsSpan(first * outputs, count * outputs), ws);
        }
        game.Expected.CopyTo(values, 0);
        fx.CopyTo(values.AsSpan(full * outputs, outputs));

        // weight[size] = size! (m - size - 1)! / m! = 1 / (m * C(m - 1, size)).
        Span<double> weight = stackalloc double[m];
        double binomial = 1;
        for (int size = 0; size < m; size++)
        {
            weight[size] = 1 / (m * binomial);
            binomial = binomial * (m - 1 - size) / (size + 1);
        }

        for (int j = 0; j < m; j++)
        {
            int bit = 1 << j;
            var target = phi.Slice(varying[j] * outputs, outputs);
            for (int s = 0; s <= full; s++)
            {
                if ((s & bit) != 0)
                {
                    continue;
                }

                double w = weight[BitOperations.PopCount((uint)s)];
                for (int o = 0; o < outputs; o++)
                {
                    target[o] += w * (values[((s | bit) * outputs) + o] - values[(s * outputs) + o]);
                }
            }
        }

        return evaluations;
    }
}
