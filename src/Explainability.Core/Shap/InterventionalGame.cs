using System.Globalization;
using System.Security.Cryptography;
using Explainability.Core.Explanations;
using Explainability.Core.Models;

namespace Explainability.Core.Shap;

/// <summary>
/// The interventional Shapley game of a black-box model over a background dataset: the value of a coalition S of
/// players for a row x is <c>v(S) = mean over background rows b of f(x_S, b_rest)</c>, where every input column of a
/// player in S is taken from x and every other column from b (casebook conventions). The model-agnostic explainers
/// (<see cref="ExactShap"/>, <see cref="KernelShap"/>, <see cref="PermutationShap"/>) compute Shapley values of this game.
/// </summary>
/// <remarks>
/// <para>Players are groups of input columns: a one-hot encoded or otherwise expanded raw feature is ONE player, its
/// columns enter and leave a coalition together.</para>
/// <para>Evaluation is batched: the hybrid rows of all coalitions of a row times all background rows are streamed to
/// <see cref="IBatchModel.Predict"/> in calls of at most <see cref="MaxBatchRows"/> rows (fewer for very wide models, so
/// that one call holds at most <see cref="MaxBatchValues"/> input values). Every value is accumulated over
/// the background rows in the same order whatever the batch size or thread, so results do not depend on them.</para>
/// <para>A player whose columns are equal (NaN equal to NaN) in x and in every background row changes no hybrid row,
/// so its Shapley value is exactly 0; the explainers leave it out of the game (<see cref="VaryingPlayers"/>).</para>
/// <para>The outputs are whatever the model outputs (margin or probability): the explainers explain that space.</para>
/// <para>Cost accounting: an explanation's parameter <c>model_evaluations</c> counts the rows its explainer sent to the
/// model (<c>f(x)</c> of every row and every hybrid row); <c>base_evaluations</c> the background rows the game predicted
/// once, when it was built, for the base value.</para>
/// <para>Immutable and thread-safe; the model must be thread-safe as <see cref="IBatchModel"/> requires.</para>
/// </remarks>
public sealed class InterventionalGame
{
    /// <summary>The default largest number of rows in one call to <see cref="IBatchModel.Predict"/>.</summary>
    public const int DefaultMaxBatchRows = 65_536;

    /// <summary>The largest number of input values (rows x inputs) in one call: 2^24 doubles, 128 MiB.</summary>
    public const int MaxBatchValues = 1 << 24;

    private readonly double[] _background;
    private readonly int[] _playerStart;
    private readonly int[] _playerColumns;

    /// <summary>Prepares the game and evaluates the base value (one pass over the background).</summary>
    /// <param name="model">The model; its outputs are the explained space.</param>
    /// <param name="background">Background rows, <c>[rows, inputs]</c> in the model's input columns; at least one row.</param>
    /// <param name="inputToPlayer">The player of each input column, <c>[inputs]</c>, in <c>0..playerCount-1</c>; null:
    /// each input column is its own player.</param>
    /// <param name="playerCount">Number of players; -1 to take <c>max(inputToPlayer) + 1</c> (or the input count when
    /// <paramref name="inputToPlayer"/> is null).</param>
    /// <param name="maxBatchRows">Largest number of rows per <see cref="IBatchModel.Predict"/> call, at least 1.</param>
    /// <exception cref="ArgumentException">The background is empty or not a whole number of rows, the player map has the
    /// wrong length or a player outside <c>0..playerCount-1</c>, or the model has no inputs or no outputs.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatchRows"/> is below 1.</exception>
    public InterventionalGame(IBatchModel model, ReadOnlySpan<double> background, int[]? inputToPlayer = null, int playerCount = -1, int maxBatchRows = DefaultMaxBatchRows)
    {
        ArgumentNullException.ThrowIfNull(model);
        int inputs = model.InputCount;
        if (inputs <= 0 || model.OutputCount <= 0)
        {
            throw new ArgumentException($"the model must have inputs and outputs; it has {inputs} inputs and {model.OutputCount} outputs", nameof(model));
        }

        if (background.Length == 0 || background.Length % inputs != 0)
        {
            throw new ArgumentException($"the background must hold at least one row of {inputs} values; got {background.Length} values", nameof(background));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchRows, 1);
        if (inputToPlayer is null)
        {
            inputToPlayer = Enumerable.Range(0, inputs).ToArray();
            playerCount = playerCount < 0 ? inputs : playerCount;
        }
        else if (inputToPlayer.Length != inputs)
        {
            throw new ArgumentException($"the player map has {inputToPlayer.Length} columns, the model {inputs} inputs", nameof(inputToPlayer));
        }

        if (playerCount < 0)
        {
            playerCount = inputToPlayer.Max() + 1;
        }

        var counts = new int[playerCount + 1];
        foreach (int p in inputToPlayer)
        {
            if ((uint)p >= (uint)playerCount)
            {
                throw new ArgumentException($"an input column maps to player {p}, outside 0..{playerCount - 1}", nameof(inputToPlayer));
            }

            counts[p + 1]++;
        }

        for (int p = 0; p < playerCount; p++)
        {
            counts[p + 1] += counts[p];
        }

        _playerStart = counts;
        _playerColumns = new int[inputs];
        var next = (int[])counts.Clone();
        for (int c = 0; c < inputs; c++)
        {
            _playerColumns[next[inputToPlayer[c]]++] = c;
        }

        Model = model;
        InputCount = inputs;
        OutputCount = model.OutputCount;
        PlayerCount = playerCount;
        MaxBatchRows = Math.Min(maxBatchRows, Math.Max(1, MaxBatchValues / inputs));
        _background = background.ToArray();
        BackgroundRows = background.Length / inputs;
        BackgroundSha256 = Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(background)));

        // v(empty) = mean f(b): row-independent, evaluated once.
        var sums = new double[OutputCount];
        var outputs = new double[Math.Min(MaxBatchRows, BackgroundRows) * OutputCount];
        for (int start = 0; start < BackgroundRows; start += MaxBatchRows)
        {
            int n = Math.Min(MaxBatchRows, BackgroundRows - start);
            model.Predict(_background.AsSpan(start * inputs, n * inputs), outputs.AsSpan(0, n * OutputCount));
            for (int r = 0; r < n; r++)
            {
                for (int o = 0; o < OutputCount; o++)
                {
                    sums[o] += outputs[(r * OutputCount) + o];
                }
            }
        }

        Expected = sums.Select(s => s / BackgroundRows).ToArray();
        ExpectedValue = Array.AsReadOnly(Expected);
    }

    /// <summary>
    /// Prepares the game with the players of a <see cref="FeatureMap"/>: one per raw feature (all columns of a one-hot
    /// encoded feature together) plus, when some column depends on no feature, a last player for those columns. Label the
    /// explanation with <see cref="FeatureMap.FeatureNames"/>: that last player is then dropped from it (its value is 0
    /// whenever those columns are constant over the row and the background).
    /// </summary>
    /// <param name="model">The model; its outputs are the explained space.</param>
    /// <param name="background">Background rows, <c>[rows, columns]</c> in the model's input columns; at least one row.</param>
    /// <param name="map">Maps the model's input columns to raw features.</param>
    /// <param name="maxBatchRows">Largest number of rows per <see cref="IBatchModel.Predict"/> call, at least 1.</param>
    /// <exception cref="ArgumentException">As the main constructor; or the map's column count is not the model's input count.</exception>
    public InterventionalGame(IBatchModel model, ReadOnlySpan<double> background, FeatureMap map, int maxBatchRows = DefaultMaxBatchRows)
        : this(model, background, (map ?? throw new ArgumentNullException(nameof(map))).ColumnToPlayer(), map.PlayerCount, maxBatchRows)
    {
    }

    /// <summary>The model.</summary>
    public IBatchModel Model { get; }

    /// <summary>Number of model input columns.</summary>
    public int InputCount { get; }

    /// <summary>Number of model outputs.</summary>
    public int OutputCount { get; }

    /// <summary>Number of players.</summary>
    public int PlayerCount { get; }

    /// <summary>Number of background rows.</summary>
    public int BackgroundRows { get; }

    /// <summary>Largest number of rows per <see cref="IBatchModel.Predict"/> call: the requested maximum, lowered for wide
    /// models so that a call holds at most <see cref="MaxBatchValues"/> input values (and at least one row).</summary>
    public int MaxBatchRows { get; }

    /// <summary>SHA-256 of the background values (little-endian doubles), for the explanation's parameters.</summary>
    public string BackgroundSha256 { get; }

    /// <summary>The base value <c>v(empty) = mean over b of f(b)</c>, <c>[outputs]</c>, in the model's output space.</summary>
    public IReadOnlyList<double> ExpectedValue { get; }

    /// <summary>Model rows evaluated (once, by the constructor) to compute <see cref="ExpectedValue"/>: the background rows.</summary>
    public long BaseEvaluations => BackgroundRows;

    /// <summary>The base value, <c>[outputs]</c>, for the explainers (never handed out: <see cref="ExpectedValue"/> is its read-only view).</summary>
    internal double[] Expected { get; }

    /// <summary>
    /// Writes the players whose columns differ between <paramref name="x"/> and some background row into
    /// <paramref name="varying"/> (<c>[players]</c>, ascending) and returns their number. The others have Shapley value 0.
    /// </summary>
    internal int VaryingPlayers(ReadOnlySpan<double> x, Span<int> varying)
    {
        int count = 0;
        for (int p = 0; p < PlayerCount; p++)
        {
            bool differs = false;
            for (int k = _playerStart[p]; k < _playerStart[p + 1] && !differs; k++)
            {
                int c = _playerColumns[k];
                for (int b = 0; b < BackgroundRows; b++)
                {
                    if (!x[c].Equals(_background[(b * InputCount) + c]))
                    {
                        differs = true;
                        break;
                    }
                }
            }

            if (differs)
            {
                varying[count++] = p;
            }
        }

        return count;
    }

    /// <summary>
    /// Evaluates <c>v(S)</c> for <paramref name="count"/> coalitions given as masks over all players,
    /// <paramref name="masks"/> <c>[count, players]</c>, into <paramref name="values"/> <c>[count, outputs]</c>, streaming
    /// <c>count * BackgroundRows</c> hybrid rows to the model. Returns the number of rows predicted.
    /// </summary>
    internal long Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<bool> masks, int count, Span<double> values, Workspace ws)
    {
        int inputs = InputCount, outputs = OutputCount, bRows = BackgroundRows;
        long total = (long)count * bRows;
        int capacity = (int)Math.Min(MaxBatchRows, total);
        ws.Ensure(capacity * inputs, capacity * outputs);
        values[..(count * outputs)].Clear();
        int filled = 0, flushedCoalition = 0, flushedBackground = 0;
        for (int s = 0; s < count; s++)
        {
            var mask = masks.Slice(s * PlayerCount, PlayerCount);
            for (int b = 0; b < bRows; b++)
            {
                var row = ws.Rows.AsSpan(filled * inputs, inputs);
                _background.AsSpan(b * inputs, inputs).CopyTo(row);
                for (int p = 0; p < mask.Length; p++)
                {
                    if (mask[p])
                    {
                        for (int k = _playerStart[p]; k < _playerStart[p + 1]; k++)
                        {
                            row[_playerColumns[k]] = x[_playerColumns[k]];
                        }
                    }
                }

                if (++filled == capacity)
                {
                    Flush(filled, values, ws, ref flushedCoalition, ref flushedBackground);
                    filled = 0;
                }
            }
        }

        if (filled > 0)
        {
            Flush(filled, values, ws, ref flushedCoalition, ref flushedBackground);
        }

        for (int i = 0; i < count * outputs; i++)
        {
            values[i] /= bRows;
        }

        return total;
    }

    /// <summary>Predicts the first <paramref name="filled"/> buffered rows and adds them to their coalitions' sums, in row order.</summary>
    private void Flush(int filled, Span<double> values, Workspace ws, ref int coalition, ref int backgroundRow)
    {
        int outputs = OutputCount;
        ws.Cancellation.ThrowIfCancellationRequested();
        Model.Predict(ws.Rows.AsSpan(0, filled * InputCount), ws.Outputs.AsSpan(0, filled * outputs));
        for (int r = 0; r < filled; r++)
        {
            for (int o = 0; o < outputs; o++)
            {
                values[(coalition * outputs) + o] += ws.Outputs[(r * outputs) + o];
            }

            if (++backgroundRow == BackgroundRows)
            {
                backgroundRow = 0;
                coalition++;
            }
        }
    }

    /// <summary>
    /// Explains every row: evaluates f(x) for all rows in batched calls, then calls <paramref name="explainRow"/> per row
    /// (in parallel when asked; each row's numbers depend only on the row) and assembles the explanation.
    /// </summary>
    internal Explanation Run<TScratch>(
        ReadOnlySpan<double> rows,
        ExplanationLabels labels,
        string method,
        Dictionary<string, string> parameters,
        bool sampled,
        int degreeOfParallelism,
        Func<TScratch> createScratch,
        RowExplainer<TScratch> explainRow,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(labels);
        int inputs = InputCount, outputs = OutputCount, players = PlayerCount, features = labels.FeatureNames.Count;
        if (rows.Length % inputs != 0)
        {
            throw new ArgumentException($"{rows.Length} values is not a whole number of rows of {inputs} inputs", nameof(rows));
        }

        if (labels.OutputNames.Count != outputs)
        {
            throw new ArgumentException($"{labels.OutputNames.Count} output names for {outputs} model outputs", nameof(labels));
        }

        if (features > players)
        {
            throw new ArgumentException($"{features} feature names for {players} players: name at most one feature per player", nameof(labels));
        }

        int n = rows.Length / inputs;
        var x = rows.ToArray();
        var fx = new double[n * outputs];
        for (int start = 0; start < n; start += MaxBatchRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int k = Math.Min(MaxBatchRows, n - start);
            Model.Predict(x.AsSpan(start * inputs, k * inputs), fx.AsSpan(start * outputs, k * outputs));
        }

        var shap = new double[n * features * outputs];
        var errors = sampled ? new double[n * features * outputs] : null;
        long evaluations = n;
        // Cancellation is checked before every row and before every batch sent to the model (Flush), so a cancelled or
        // expired call stops within one batch of at most MaxBatchRows hybrid rows.
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, degreeOfParallelism), CancellationToken = cancellationToken };
        try
        {
            ParallelRows();
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count >= 1)
        {
            // Callers see the specific exception a row raised, not the parallel wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
        }

        void ParallelRows() => Parallel.For(
            0,
            n,
            options,
            () => (Phi: new double[players * outputs], Se: new double[players * outputs], Varying: new int[players], Ws: new Workspace { Cancellation = cancellationToken }, Scratch: createScratch(), Evaluations: 0L),
            (r, _, local) =>
            {
                var row = x.AsSpan(r * inputs, inputs);
                int m = VaryingPlayers(row, local.Varying);
                local.Phi.AsSpan().Clear();
                local.Se.AsSpan().Clear();
                local.Evaluations += explainRow(r, row, fx.AsSpan(r * outputs, outputs), local.Varying.AsSpan(0, m), local.Phi, local.Se, local.Ws, local.Scratch);

                // Players 0..F-1 are the named features; further players (columns depending on no feature) are dropped.
                local.Phi.AsSpan(0, features * outputs).CopyTo(shap.AsSpan(r * features * outputs, features * outputs));
                if (errors is not null)
                {
                    local.Se.AsSpan(0, features * outputs).CopyTo(errors.AsSpan(r * features * outputs, features * outputs));
                }

                return local;
            },
            local =>
            {
                local.Ws.Release();
                Interlocked.Add(ref evaluations, local.Evaluations);
            });

        var baseValues = new double[n * outputs];
        for (int r = 0; r < n; r++)
        {
            Expected.CopyTo(baseValues, r * outputs);
        }

        parameters["model_output"] = labels.OutputSpace == OutputSpace.Margin ? "margin" : "probability";
        parameters["players"] = players.ToString(CultureInfo.InvariantCulture);
        parameters["background_rows"] = BackgroundRows.ToString(CultureInfo.InvariantCulture);
        parameters["background_sha256"] = BackgroundSha256;
        parameters["feature_perturbation"] = MethodNames.Interventional;
        parameters["max_batch_rows"] = MaxBatchRows.ToString(CultureInfo.InvariantCulture);
        parameters["model_evaluations"] = evaluations.ToString(CultureInfo.InvariantCulture);
        parameters["base_evaluations"] = BaseEvaluations.ToString(CultureInfo.InvariantCulture);
        return new Explanation
        {
            FeatureNames = labels.FeatureNames,
            OutputNames = labels.OutputNames,
            OutputSpace = labels.OutputSpace,
            Link = labels.Link,
            Method = method,
            Parameters = parameters,
            RowCount = n,
            ShapValues = shap,
            BaseValues = baseValues,
            ModelOutputs = fx,
            AdditivityResiduals = Explanation.Residuals(n, features, outputs, shap, baseValues, fx),
            StandardErrors = errors,
        };
    }

    /// <summary>
    /// Derives the seed of a row from the request seed and the row's values (a SplitMix64 mix of the seed and the bits of
    /// every value), so that a row's numbers depend on the seed and the row only: never on threads, batch size, the
    /// row's position in the request or the other rows in it (casebook C18, C20).
    /// </summary>
    internal static int RowSeed(int seed, ReadOnlySpan<double> x)
    {
        ulong h = Mix((ulong)(uint)seed);
        foreach (double v in x)
        {
            h = Mix(h ^ (ulong)BitConverter.DoubleToInt64Bits(v));
        }

        return (int)(h & 0x7FFFFFFF);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Explains one row: writes phi and standard errors <c>[players, outputs]</c> of the varying players
    /// (others stay 0) and returns the model rows it predicted.</summary>
    internal delegate long RowExplainer<TScratch>(int row, ReadOnlySpan<double> x, ReadOnlySpan<double> fx, ReadOnlySpan<int> varying, Span<double> phi, Span<double> se, Workspace ws, TScratch scratch);

    /// <summary>Per-thread buffers for <see cref="Evaluate"/>: rented from the shared array pool, grown on demand, reused
    /// across rows and returned when the explanation is done, so repeated requests do not allocate the row buffer anew.</summary>
    internal sealed class Workspace
    {
        /// <summary>Checked before each batch is sent to the model.</summary>
        public CancellationToken Cancellation { get; init; }

        public double[] Rows { get; private set; } = [];

        public double[] Outputs { get; private set; } = [];

        public void Ensure(int rows, int outputs)
        {
            if (Rows.Length < rows)
            {
                Release(Rows);
                Rows = System.Buffers.ArrayPool<double>.Shared.Rent(rows);
            }

            if (Outputs.Length < outputs)
            {
                Release(Outputs);
                Outputs = System.Buffers.ArrayPool<double>.Shared.Rent(outputs);
            }
        }

        public void Release()
        {
            Release(Rows);
            Release(Outputs);
            Rows = [];
            Outputs = [];
        }

        private static void Release(double[] array)
        {
            if (array.Length > 0)
            {
                System.Buffers.ArrayPool<double>.Shared.Return(array);
            }
        }
    }
}
