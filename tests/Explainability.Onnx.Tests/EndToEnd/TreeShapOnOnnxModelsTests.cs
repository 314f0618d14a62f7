using System.Globalization;
using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Core.Shap;
using Explainability.Onnx.Tests.Support;
using Xunit.Abstractions;

namespace Explainability.Onnx.Tests.EndToEnd;

/// <summary>
/// From real ONNX files to SHAP values: ONNX Runtime computes the ensemble's input columns, TreeSHAP explains them in
/// margin space, and the explanation must add up (to 1e-9), explain the number ONNX Runtime serves (after the link, to
/// 1e-5 relative) and be reported per raw feature, one-hot columns summed into their raw feature.
/// </summary>
public class TreeShapOnOnnxModelsTests(ITestOutputHelper output)
{
    private const double AdditivityTolerance = 1e-9;
    private const double RuntimeRelativeTolerance = 1e-5;
    private const double BatchedRuntimeRelativeTolerance = 1e-4;

    private static readonly TreeShapMethod[] Methods = [TreeShapMethod.Interventional, TreeShapMethod.PathDependent];

    public static TheoryData<string> Models => new()
    {
        "credit-risk",
        "card-fraud",
        "moose_gradient_boosting_regressor",
        "moose_xgboost_regressor",
        "mlnet_fasttree_regressor",
        "skl2onnx_rf_iris_multiclass",
        "skl2onnx_lightgbm_pipeline_iris",
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Both_methods_add_up_match_the_runtime_and_attribute_to_raw_features(string name)
    {
        var c = Case.Load(name);
        using var model = c.Model;
        var tree = Assert.IsType<OnnxTreeModel>(model.TreeModel);
        Assert.Equal(c.RawFeatureCount, model.RawFeatureNames.Count);
        var columns = model.ComputeColumns(c.Rows, allowExtraColumns: true);
        var background = model.ComputeColumns(c.Background, allowExtraColumns: true);
        // ONNX Runtime's output for a row depends on its batch: batched, its float32 Sigmoid takes a vectorised
        // approximation (casebook C18; on card-fraud row 62 the batch of 200 serves 0.0064950287, the row alone
        // 0.0064950883, the exact logistic of the margin 0.0064950976). The served truth is the row run alone; the
        // batched output is held to the looser BatchedRuntimeRelativeTolerance and its error reported.
        var served = model.RunServedOutput(c.Rows, allowExtraColumns: true, batchSize: 1);
        var batched = model.RunServedOutput(c.Rows, allowExtraColumns: true);
        int k = tree.Ensemble.OutputCount, m = tree.Ensemble.FeatureCount;

        foreach (var method in Methods)
        {
            var e = Explain(tree, columns, background, method);
            Assert.Equal(c.Rows.RowCount, e.RowCount);
            Assert.Equal(model.RawFeatureNames, e.FeatureNames);

            // (a) additivity, recomputed here rather than read from the explanation's own residuals.
            double worstResidual = 0;
            var margin = new double[k];
            for (int r = 0; r < e.RowCount; r++)
            {
                tree.Ensemble.Evaluate(columns.AsSpan(r * m, m), margin);
                for (int o = 0; o < k; o++)
                {
                    Assert.Equal(margin[o], e.Output(r, o));
                    double sum = e.Base(r, o);
                    for (int f = 0; f < e.FeatureCount; f++)
                    {
                        sum += e.Phi(r, f, o);
                    }

                    double residual = Math.Abs(sum - margin[o]);
                    Assert.True(residual <= AdditivityTolerance, $"{name} {e.Method} row {r} output {e.OutputNames[o]}: base + sum(phi) = {sum:R}, margin {margin[o]:R}");
                    worstResidual = Math.Max(worstResidual, residual);
                }
            }

            // (b) the explained margin, after the link, is the number ONNX Runtime serves.
            double worstRelative = 0, worstBatched = 0;
            var linked = new double[k];
            for (int r = 0; r < e.RowCount; r++)
            {
                Link.Apply(tree.Link, e.ModelOutputs.AsSpan(r * k, k), linked);
                for (int o = 0; o < k; o++)
                {
                    double ort = served[(r * k) + o];
                    double relative = RelativeError(linked[o], ort);
                    double tolerance = Math.Max(RuntimeRelativeTolerance, Float32SumBound(tree, columns.AsSpan(r * m, m), o, linked[o]));
                    Assert.True(relative <= tolerance, $"{name} {e.Method} row {r} output {e.OutputNames[o]}: Link(margin) = {linked[o]:R}, ONNX Runtime {ort:R}");
                    worstRelative = Math.Max(worstRelative, relative);
                    double batchedRelative = RelativeError(linked[o], batched[(r * k) + o]);
                    Assert.True(batchedRelative <= Math.Max(BatchedRuntimeRelativeTolerance, tolerance), $"{name} {e.Method} row {r} output {e.OutputNames[o]}: Link(margin) = {linked[o]:R}, ONNX Runtime batched {batched[(r * k) + o]:R}");
                    worstBatched = Math.Max(worstBatched, batchedRelative);
                }
            }

            // (c) one SHAP value per raw feature (a one-hot feature's columns are one player; the exact group values are
            // brute-forced on the credit model in Credit_interventional_...).
            Assert.Equal(tree.FeatureMap.FeatureCount, e.FeatureCount);

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} {e.Method}: {e.RowCount} rows, {c.Background.RowCount} background rows, {m} columns -> {e.FeatureCount} raw features, {k} outputs; max |additivity residual| {worstResidual:E2}, max relative error vs ONNX Runtime {worstRelative:E2} (row alone), {worstBatched:E2} (batched)"));
        }
    }

    [Fact]
    public void Credit_risk_one_hot_columns_are_summed_into_twenty_raw_features()
    {
        var c = Case.Load("credit-risk");
        using var model = c.Model;
        var tree = model.TreeModel!;
        Assert.Equal(20, tree.FeatureMap.FeatureCount);
        Assert.True(tree.FeatureMap.ColumnCount > 20, $"{tree.FeatureMap.ColumnCount} columns: expected one-hot columns beyond the 20 raw features");
        var perFeature = tree.FeatureMap.ColumnToFeature.Where(f => f >= 0).GroupBy(f => f).ToDictionary(g => tree.FeatureMap.FeatureNames[g.Key], g => g.Count());
        Assert.True(perFeature["purpose"] > 1, "purpose is categorical: several one-hot columns");
        Assert.Equal(20, perFeature.Count);
    }

    [Fact]
    public void Credit_interventional_against_one_background_row_is_zero_where_the_row_equals_it_and_sums_to_the_runtime_difference()
    {
        var c = Case.Load("credit-risk");
        using var model = c.Model;
        var tree = model.TreeModel!;
        Assert.Equal(LinkFunction.Logistic, tree.Link);
        Assert.Equal(1, tree.Ensemble.OutputCount);
        var names = model.RawFeatureNames;
        var rawIndex = names.Select(n => c.Background.IndexOf(n)).ToArray();
        Assert.DoesNotContain(-1, rawIndex);

        foreach (var (x, b) in new[] { (0, 1), (2, 3), (4, 5) })
        {
            var pair = c.Background.SelectRows([x, b]);
            var columns = model.ComputeColumns(pair, allowExtraColumns: true);
            int m = tree.Ensemble.FeatureCount;
            var e = Explain(tree, columns.AsSpan(0, m).ToArray(), columns.AsSpan(m, m).ToArray(), TreeShapMethod.Interventional);

            int same = 0;
            for (int f = 0; f < names.Count; f++)
            {
                if (pair[0, rawIndex[f]].Equals(pair[1, rawIndex[f]]))
                {
                    same++;
                    Assert.True(e.Phi(0, f, 0) == 0, $"rows {x} and {b} agree on '{names[f]}', yet phi = {e.Phi(0, f, 0):R}");
                }
            }

            Assert.True(same > 0 && same < names.Count, $"rows {x} and {b}: {same} of {names.Count} raw features equal; the check needs some of each");

            // f from ONNX Runtime: the margin is the logit of its served probability (float32, so ~1e-6 in margin).
            var p = model.RunServedOutput(pair, allowExtraColumns: true);
            double fx = Logit(p[0]), fb = Logit(p[1]);
            double sum = Enumerable.Range(0, names.Count).Sum(f => e.Phi(0, f, 0));
            Assert.Equal(fx - fb, sum, 1e-5);
            Assert.Equal(fb, e.Base(0, 0), 1e-5);
            Assert.Equal(e.Output(0, 0) - e.Base(0, 0), sum, 1e-12);

            // Exact Shapley values of the raw features, brute-forced over every coalition of the features where the rows
            // differ: a raw feature's columns (its one-hot group) come from x or from b together.
            var differing = Enumerable.Range(0, names.Count).Where(f => !pair[0, rawIndex[f]].Equals(pair[1, rawIndex[f]])).ToArray();
            var exact = BruteForceGroupShapley(tree, columns.AsSpan(0, m).ToArray(), columns.AsSpan(m, m).ToArray(), differing);
            for (int i = 0; i < differing.Length; i++)
            {
                Assert.Equal(exact[i], e.Phi(0, differing[i], 0), 1e-9);
            }
        }
    }

    /// <summary>Shapley values of <paramref name="players"/> (raw features) for v(S) = f(columns of S's features from x, the rest from b).</summary>
    private static double[] BruteForceGroupShapley(OnnxTreeModel tree, double[] x, double[] b, int[] players)
    {
        int k = players.Length, m = x.Length;
        var owner = tree.FeatureMap.ColumnToFeature;
        var values = new double[1 << k];
        var hybrid = new double[m];
        var margin = new double[1];
        for (int s = 0; s < values.Length; s++)
        {
            for (int col = 0; col < m; col++)
            {
                int i = Array.IndexOf(players, owner[col]);
                hybrid[col] = i >= 0 && (s & (1 << i)) != 0 ? x[col] : b[col];
            }

            tree.Ensemble.Evaluate(hybrid, margin);
            values[s] = margin[0];
        }

        var fact = new double[k + 1];
        fact[0] = 1;
        for (int i = 1; i <= k; i++)
        {
            fact[i] = fact[i - 1] * i;
        }

        var phi = new double[k];
        for (int i = 0; i < k; i++)
        {
            for (int s = 0; s < values.Length; s++)
            {
                if ((s & (1 << i)) == 0)
                {
                    int size = System.Numerics.BitOperations.PopCount((uint)s);
                    phi[i] += fact[size] * fact[k - size - 1] / fact[k] * (values[s | (1 << i)] - values[s]);
                }
            }
        }

        return phi;
    }

    [Fact]
    public void Credit_path_dependent_base_is_the_mean_margin_over_the_background_the_covers_were_counted_from()
    {
        var c = Case.Load("credit-risk");
        using var model = c.Model;
        var tree = model.TreeModel!;
        var background = model.ComputeColumns(c.Background, allowExtraColumns: true);
        int m = tree.Ensemble.FeatureCount, n = c.Background.RowCount;
        var e = Explain(tree, background.AsSpan(0, 3 * m).ToArray(), background, TreeShapMethod.PathDependent);
        var margin = new double[1];
        double mean = 0;
        for (int r = 0; r < n; r++)
        {
            tree.Ensemble.Evaluate(background.AsSpan(r * m, m), margin);
            mean += margin[0];
        }

        mean /= n;
        for (int r = 0; r < 3; r++)
        {
            Assert.Equal(mean, e.Base(r, 0), 1e-9);
        }
    }

    [Fact]
    public void C18_credit_row_alone_and_at_positions_0_and_5_of_a_batch_of_8_gets_identical_bits()
    {
        var c = Case.Load("credit-risk");
        using var model = c.Model;
        var tree = model.TreeModel!;
        var background = model.ComputeColumns(c.Background, allowExtraColumns: true);
        const int x = 17;
        var alone = model.ComputeColumns(c.Background.SelectRows([x]), allowExtraColumns: true);
        var batch = model.ComputeColumns(c.Background.SelectRows([x, 3, 41, 99, 150, x, 7, 199]), allowExtraColumns: true);
        foreach (var method in Methods)
        {
            var single = Explain(tree, alone, background, method);
            var many = Explain(tree, batch, background, method);
            foreach (int position in new[] { 0, 5 })
            {
                AssertSameBits(single, 0, many, position);
            }
        }
    }

    [Fact]
    public async Task C25_sixty_four_concurrent_explanations_on_one_loaded_model_equal_the_single_threaded_answers()
    {
        var c = Case.Load("credit-risk");
        using var model = c.Model;
        var tree = model.TreeModel!;
        var background = model.ComputeColumns(c.Background, allowExtraColumns: true);
        int[] rows = [0, 1, 2, 3, 50, 100, 150, 199];

        (Explanation Interventional, Explanation PathDependent, double[] Served) ExplainOne(int row)
        {
            var table = c.Background.SelectRows([row]);
            var columns = model.ComputeColumns(table, allowExtraColumns: true);
            return (Explain(tree, columns, background, TreeShapMethod.Interventional),
                Explain(tree, columns, background, TreeShapMethod.PathDependent),
                model.RunServedOutput(table, allowExtraColumns: true));
        }

        var expected = rows.ToDictionary(r => r, ExplainOne);
        var tasks = Enumerable.Range(0, 64).Select(i => Task.Run(() => (Row: rows[i % rows.Length], Result: ExplainOne(rows[i % rows.Length])))).ToArray();
        foreach (var (row, result) in await Task.WhenAll(tasks))
        {
            AssertSameBits(expected[row].Interventional, 0, result.Interventional, 0);
            AssertSameBits(expected[row].PathDependent, 0, result.PathDependent, 0);
            Assert.Equal(expected[row].Served, result.Served);
        }
    }

    private static Explanation Explain(OnnxTreeModel tree, double[] rows, double[] background, TreeShapMethod method) =>
        TreeShapExplainer.Explain(tree.Ensemble, tree.FeatureMap, tree.Link, tree.OutputNames, rows, background, method, degreeOfParallelism: 2);

    private static void AssertSameBits(Explanation a, int rowA, Explanation b, int rowB)
    {
        for (int o = 0; o < a.OutputCount; o++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(a.Base(rowA, o)), BitConverter.DoubleToInt64Bits(b.Base(rowB, o)));
            Assert.Equal(BitConverter.DoubleToInt64Bits(a.Output(rowA, o)), BitConverter.DoubleToInt64Bits(b.Output(rowB, o)));
            for (int f = 0; f < a.FeatureCount; f++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(a.Phi(rowA, f, o)) == BitConverter.DoubleToInt64Bits(b.Phi(rowB, f, o)),
                    $"{a.Method} '{a.FeatureNames[f]}': {a.Phi(rowA, f, o):R} vs {b.Phi(rowB, f, o):R} (row {rowB} of {b.RowCount})");
            }
        }
    }

    /// <summary>
    /// Casebook C27: ONNX Runtime sums the trees in float32, so its margin may drift from the exact double sum by up to
    /// <c>trees * 2^-23 * (|base| + sum over trees of |leaf reached|)</c>; returned relative to the served value
    /// (identity link: over |output|; logistic: the margin drift bounds the relative drift of p, since dp/p = (1-p) dm;
    /// softmax: twice the margin drift). On card-fraud (100 trees, margins near -5) this is ~6e-5, above 1e-5.
    /// </summary>
    private static double Float32SumBound(OnnxTreeModel tree, ReadOnlySpan<double> x, int o, double served)
    {
        var e = tree.Ensemble;
        double magnitude = Math.Abs(e.BaseValues[o]);
        for (int t = 0; t < e.TreeCount; t++)
        {
            magnitude += Math.Abs(e.LeafValues[(e.Leaf(t, x) * e.OutputCount) + o]);
        }

        double drift = e.TreeCount * Math.Pow(2, -23) * magnitude;
        return tree.Link switch
        {
            LinkFunction.Identity => drift / Math.Max(Math.Abs(served), double.Epsilon),
            LinkFunction.Logistic => drift,
            LinkFunction.Softmax or LinkFunction.SoftmaxZero => 2 * drift,
            _ => 0,
        };
    }

    private static double RelativeError(double ours, double runtime)
    {
        if (ours.Equals(runtime))
        {
            return 0;
        }

        return Math.Abs(ours - runtime) / Math.Max(Math.Abs(ours), Math.Abs(runtime));
    }

    private static double Logit(double p) => Math.Log(p / (1 - p));

    /// <summary>A model with the rows to explain and the background rows.</summary>
    private sealed record Case(OnnxModel Model, FeatureTable Rows, FeatureTable Background, int RawFeatureCount)
    {
        public static Case Load(string name) => name switch
        {
            "credit-risk" => Shipped(name, "class", 20),
            "card-fraud" => Shipped(name, "Class", 30),
            "moose_gradient_boosting_regressor" => Moose(name, "gradient_boosting_regressor.onnx"),
            "moose_xgboost_regressor" => Moose(name, "xgboost_regressor.onnx"),
            "mlnet_fasttree_regressor" => FastTree(),
            "skl2onnx_rf_iris_multiclass" => Iris(name, "rf_iris.onnx", FixtureModelTests.IrisNames, FixtureModelTests.IrisRows(60)),
            "skl2onnx_lightgbm_pipeline_iris" => Iris(name, "pipeline_lightgbm.onnx", ["sepal_length", "sepal_width"], FixtureModelTests.IrisRows(40, 2)),
            _ => throw new ArgumentException($"no end-to-end case '{name}'", nameof(name)),
        };

        // Shipped models: every background row is explained against the whole background; the label column is no
        // model input (passed along, ignored through allowExtraColumns) and is read as text so it never looks numeric.
        private static Case Shipped(string name, string label, int features)
        {
            string path = RepoRoot.ShippedModel(name, "background.csv");
            var background = CsvTableReader.Parse(File.ReadAllText(path), path, new HashSet<string> { label });
            Assert.Equal(200, background.RowCount);
            return new Case(OnnxModel.Load(RepoRoot.ShippedModel(name, "model.onnx")), background, background, features);
        }

        // Fixtures without a background file: their sample rows are the background; the rows explained are those
        // rows plus copies with NaN injected in each column in turn, and one all-NaN row.
        private static Case Moose(string folder, string file)
        {
            string[] names = ["a", "b", "c", "d"];
            var (rows, _) = FixtureModelTests.MooseSamples(folder);
            return new Case(OnnxModel.Load(RuntimeCheck.Fixture(folder, file), names),
                RuntimeCheck.Table(names, RuntimeCheck.WithNaN(rows)), RuntimeCheck.Table(names, rows), 4);
        }

        // The first 100 of the 500 CSV rows are the background (interventional cost grows with it; 500 took 80 s).
        private static Case FastTree()
        {
            const string folder = "mlnet_fasttree_regressor";
            string csv = File.ReadAllText(RuntimeCheck.Fixture(folder, "generated_regression_dataset_input.csv")).Replace(';', ',');
            var table = CsvTableReader.Parse(csv, "generated_regression_dataset_input.csv");
            var names = table.Columns.Where(n => n != "target").ToArray();
            var rows = Enumerable.Range(0, table.RowCount).Select(r => names.Select(n => table[r, table.IndexOf(n)].Number).ToArray()).ToArray();
            var explained = rows.Concat(RuntimeCheck.WithNaN(rows.Take(5).ToArray()).Skip(5)).ToArray();
            return new Case(OnnxModel.Load(RuntimeCheck.Fixture(folder, "FastTreeRegressionTrainer.onnx"), names),
                RuntimeCheck.Table(names, explained), RuntimeCheck.Table(names, rows.Take(100).ToArray()), names.Length);
        }

        // The iris fixtures ship no rows: the sample rows are the seeded iris-range rows the fixture tests use.
        private static Case Iris(string folder, string file, string[] names, double[][] rows) =>
            new(OnnxModel.Load(RuntimeCheck.Fixture(folder, file), names),
                RuntimeCheck.Table(names, RuntimeCheck.WithNaN(rows)), RuntimeCheck.Table(names, rows), names.Length);
    }
}
