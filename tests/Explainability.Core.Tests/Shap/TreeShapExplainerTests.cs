using Explainability.Core.Explanations;
using Explainability.Core.Shap;
using Explainability.Core.Trees;
using static Explainability.Core.Trees.TreeNodeSpec;

namespace Explainability.Core.Tests.Shap;

public class TreeShapExplainerTests
{
    // Columns: 0 = age, 1 = "housing is own" (one-hot), 2 = "housing is rent" (one-hot). Raw features: age, housing.
    private static TreeEnsemble OneHotModel()
    {
        var b = new TreeEnsembleBuilder(3);
        b.AddTree(Branch(1, NodeMode.BranchGt, 0.5, Leaf(-1), Leaf(1)));
        b.AddTree(Branch(2, NodeMode.BranchGt, 0.5, Leaf(2), Leaf(0)));
        b.AddTree(Branch(0, NodeMode.BranchLeq, 30, Leaf(0.5), Leaf(-0.5)));
        return b.Build([0.25]);
    }

    [Fact]
    public void One_hot_columns_in_separate_trees_give_the_sum_of_their_column_values_and_stay_additive()
    {
        var map = new FeatureMap(["age", "housing"], [0, 1, 1]);
        double[] rows = [25, 0, 1, 40, 1, 0];
        double[] background = [35, 1, 0, 22, 0, 1, 50, 0, 0];
        foreach (var method in new[] { TreeShapMethod.PathDependent, TreeShapMethod.Interventional })
        {
            var ex = TreeShapExplainer.Explain(OneHotModel(), map, LinkFunction.Logistic, ["bad"], rows, background, method);
            Assert.Equal(2, ex.FeatureCount);
            var columnPhi = ColumnPhi(method, rows.AsSpan(0, 3).ToArray(), background);
            Assert.Equal(columnPhi[0], ex.Phi(0, 0, 0), 12);
            Assert.Equal(columnPhi[1] + columnPhi[2], ex.Phi(0, 1, 0), 12);
            for (int r = 0; r < 2; r++)
            {
                Assert.True(Math.Abs(ex.AdditivityResiduals[r]) < 1e-12, $"{method} row {r} residual {ex.AdditivityResiduals[r]}");
            }
        }
    }

    [Fact]
    public void A_one_hot_feature_is_one_player_not_the_sum_of_its_columns()
    {
        // Columns: 0 = housing is own, 1 = housing is rent (one raw feature "housing"), 2 = age.
        // f = own ? (age <= 30 ? 2 : 0) : (rent ? (age <= 30 ? 1 : 3) : 0). x = (own, 25), b = (rent, 40).
        // Players H, A: v() = f(b) = 3, v(H) = f(own, 40) = 0, v(A) = f(rent, 25) = 1, v(HA) = f(x) = 2.
        // phi_H = 1/2[(0 - 3) + (2 - 1)] = -1; phi_A = 1/2[(1 - 3) + (2 - 0)] = 0.
        // (Per-column Shapley values summed would give H = -4/3, A = +1/3: a different game.)
        var b = new TreeEnsembleBuilder(3);
        b.AddTree(Branch(0, NodeMode.BranchGt, 0.5,
            Branch(2, NodeMode.BranchLeq, 30, Leaf(2), Leaf(0)),
            Branch(1, NodeMode.BranchGt, 0.5, Branch(2, NodeMode.BranchLeq, 30, Leaf(1), Leaf(3)), Leaf(0))));
        var map = new FeatureMap(["housing", "age"], [0, 0, 1]);
        var ex = TreeShapExplainer.Explain(b.Build(), map, LinkFunction.Identity, ["y"], [1, 0, 25], [0, 1, 40], TreeShapMethod.Interventional);
        Assert.Equal(3.0, ex.Base(0, 0), 12);
        Assert.Equal(-1.0, ex.Phi(0, 0, 0), 12);
        Assert.Equal(0.0, ex.Phi(0, 1, 0), 12);
        Assert.Equal("raw_features", ex.Parameters["players"]);
    }

    [Fact]
    public void C11_per_row_offset_is_a_separate_term_added_to_the_output_not_the_base_value()
    {
        // x[0] LEQ 0 -> -1 / +1, background {-1, +1}: base 0. Rows x = 1 (offset ln 3) and x = -1 (offset -0.5).
        var b = new TreeEnsembleBuilder(1);
        b.AddTree(Branch(0, NodeMode.BranchLeq, 0, Leaf(-1), Leaf(1)));
        var ensemble = b.Build([0.0]);
        double ln3 = Math.Log(3);
        foreach (var method in new[] { TreeShapMethod.PathDependent, TreeShapMethod.Interventional })
        {
            var ex = TreeShapExplainer.Explain(ensemble, FeatureMap.Identity(["x0"]), LinkFunction.Identity, ["y"], [1.0, -1.0], [-1.0, 1.0], method,
                offsets: [ln3, -0.5], offsetInputs: ["offset"]);
            Assert.Equal(0, ex.Base(0, 0), 15);
            Assert.Equal(0, ex.Base(1, 0), 15);
            Assert.Equal(1, ex.Phi(0, 0, 0), 15);
            Assert.Equal(ln3, ex.Offset(0, 0));
            Assert.Equal(-0.5, ex.Offset(1, 0));
            Assert.Equal(1 + ln3, ex.Output(0, 0), 15);
            Assert.Equal(2.098612, ex.Output(0, 0), 6);
            Assert.Equal(-1.5, ex.Output(1, 0), 15);
            Assert.All(ex.AdditivityResiduals, r => Assert.True(Math.Abs(r) < 1e-12));
            Assert.Equal(["offset"], ex.OffsetInputs);
        }
    }

    [Fact]
    public void Residuals_without_the_offset_would_show_it_as_unexplained()
    {
        double[] shap = [1.0], baseValues = [0.0], outputs = [2.5];
        Assert.Equal(1.5, Explanation.Residuals(1, 1, 1, shap, baseValues, outputs)[0]);
        Assert.Equal(0, Explanation.Residuals(1, 1, 1, shap, baseValues, outputs, [1.5])[0]);
    }

    [Fact]
    public void Offsets_of_the_wrong_length_are_refused()
    {
        var b = new TreeEnsembleBuilder(1);
        b.AddTree(Branch(0, NodeMode.BranchLeq, 0, Leaf(-1), Leaf(1)));
        var e = Assert.Throws<ArgumentException>(() => TreeShapExplainer.Explain(b.Build([0.0]), FeatureMap.Identity(["x0"]), LinkFunction.Identity, ["y"],
            [1.0], [-1.0, 1.0], TreeShapMethod.Interventional, offsets: [1.0, 2.0]));
        Assert.Equal("offsets", e.ParamName);
    }

    private static double[] ColumnPhi(TreeShapMethod method, double[] x, double[] background)
    {
        var e = OneHotModel();
        var phi = new double[3];
        if (method == TreeShapMethod.Interventional)
        {
            var iv = new TreeShapInterventional(e, background);
            iv.Explain(x, phi, iv.CreateWorkspace());
        }
        else
        {
            var pd = new TreeShapPathDependent(e.WithCovers(CoverCounter.Count(e, background), "test"));
            pd.Explain(x, phi, pd.CreateWorkspace());
        }

        return phi;
    }

    [Fact]
    public void Path_dependent_records_that_covers_were_counted_from_the_background()
    {
        var ex = TreeShapExplainer.Explain(OneHotModel(), FeatureMap.Identity(["a", "b", "c"]), LinkFunction.Identity, ["y"], [25, 0, 1], [35, 1, 0, 22, 0, 1], TreeShapMethod.PathDependent);
        Assert.Equal("counted from 2 background rows", ex.Parameters["covers_source"]);
        Assert.Equal(CoverCounter.ZeroCoverRule, ex.Parameters["zero_cover_rule"]);
        Assert.Equal("fast_treeshap_v2", ex.Parameters["algorithm"]); // a small ensemble: its tables fit the budget
        Assert.Equal("tree_path_dependent", ex.Method);

        // Base = mean margin over the two reference rows when covers are counted from them: (0.25 + 1 + 0 - 0.5) + (0.25 - 1 + 2 + 0.5) / 2.
        Assert.Equal(((0.25 + 1 + 0 - 0.5) + (0.25 - 1 + 2 + 0.5)) / 2, ex.Base(0, 0), 12);
    }

    [Fact]
    public void A_model_without_covers_or_background_is_refused_with_what_to_supply()
    {
        var e = Assert.Throws<ArgumentException>(() => TreeShapExplainer.Explain(OneHotModel(), FeatureMap.Identity(["a", "b", "c"]), LinkFunction.Identity, ["y"], [25, 0, 1], [], TreeShapMethod.PathDependent));
        Assert.Contains("covers", e.Message, StringComparison.Ordinal);
        Assert.Contains("background", e.Message, StringComparison.Ordinal);
        var i = Assert.Throws<ArgumentException>(() => TreeShapExplainer.Explain(OneHotModel(), FeatureMap.Identity(["a", "b", "c"]), LinkFunction.Identity, ["y"], [25, 0, 1], [], TreeShapMethod.Interventional));
        Assert.Contains("background", i.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nodes_hitrates_style_covers_of_all_ones_are_not_needed_when_real_covers_are_counted()
    {
        // Covers counted from data, not 1.0 per node: with three of four rows going left the base is weighted 3:1.
        var b = new TreeEnsembleBuilder(1);
        b.AddTree(Branch(0, NodeMode.BranchLeq, 0, Leaf(0), Leaf(4)));
        var e = b.Build();
        var ex = TreeShapExplainer.Explain(e, FeatureMap.Identity(["x"]), LinkFunction.Identity, ["y"], [1], [-1, -1, -1, 1], TreeShapMethod.PathDependent);
        Assert.Equal(1.0, ex.Base(0, 0), 12);
        Assert.Equal(3.0, ex.Phi(0, 0, 0), 12);
    }
}
