using Explainability.Core.Explanations;
using Explainability.Core.Shap;
using Explainability.Core.Trees;
using static Explainability.Core.Trees.TreeNodeSpec;

namespace Explainability.Core.Tests.Shap;

/// <summary>The cases of the casebook (shared/casebook.md) that concern TreeSHAP itself, each with its right value.</summary>
public class CasebookTreeShapTests
{
    private static (double[] Phi, double Base, double Margin) PathDependent(TreeEnsemble e, double[] x, int output = 0)
    {
        var explainer = new TreeShapPathDependent(e);
        var phi = new double[e.FeatureCount * e.OutputCount];
        explainer.Explain(x, phi, explainer.CreateWorkspace());
        var margin = new double[e.OutputCount];
        e.Evaluate(x, margin);
        return (Enumerable.Range(0, e.FeatureCount).Select(f => phi[(f * e.OutputCount) + output]).ToArray(), explainer.ExpectedValue[output], margin[output]);
    }

    private static (double[] Phi, double Base, double Margin) Interventional(TreeEnsemble e, double[] x, double[] background, int output = 0)
    {
        var explainer = new TreeShapInterventional(e, background);
        var phi = new double[e.FeatureCount * e.OutputCount];
        explainer.Explain(x, phi, explainer.CreateWorkspace());
        var margin = new double[e.OutputCount];
        e.Evaluate(x, margin);
        return (Enumerable.Range(0, e.FeatureCount).Select(f => phi[(f * e.OutputCount) + output]).ToArray(), explainer.ExpectedValue[output], margin[output]);
    }

    private static TreeEnsemble Stump(double threshold)
    {
        var b = new TreeEnsembleBuilder(1);
        b.AddTree(Branch(0, NodeMode.BranchLeq, threshold, Leaf(1.0, 1), Leaf(2.0, 1), cover: 2));
        return b.Build();
    }

    [Fact]
    public void C01_double_threshold_routes_a_value_between_0_3_and_float32_0_3_right()
    {
        double x = 0.3000000059604645;
        var variantA = Stump(0.3);
        var pd = PathDependent(variantA, [x]);
        Assert.Equal(2.0, pd.Margin);
        Assert.Equal(1.5, pd.Base, 12);
        Assert.Equal(0.5, pd.Phi[0], 12);
        var iv = Interventional(variantA, [x], [1.0]);
        Assert.Equal(2.0, iv.Base, 12);
        Assert.Equal(0.0, iv.Phi[0], 12);
    }

    [Fact]
    public void C01_float32_threshold_is_compared_exactly_as_the_runtime_stores_it()
    {
        // Variant B: float nodes_values 0.3f, widened exactly to 0.30000001192092896.
        var variantB = Stump((double)0.3f);
        var iv = Interventional(variantB, [0.3000000059604645], [1.0]);
        Assert.Equal(1.0, iv.Margin);
        Assert.Equal(2.0, iv.Base, 12);
        Assert.Equal(-1.0, iv.Phi[0], 12);
        Assert.Equal(iv.Margin, iv.Base + iv.Phi[0], 12);
    }

    private static TreeEnsemble C02Model()
    {
        var b = new TreeEnsembleBuilder(2);
        b.AddTree(Branch(0, NodeMode.BranchLt, 0.5, Leaf(1.0, 30), Leaf(3.0, 70), nanGoesYes: true, cover: 100));
        b.AddTree(Branch(1, NodeMode.BranchLeq, 2.0, Leaf(-1.0, 50), Leaf(1.0, 50), nanGoesYes: false, cover: 100));
        return b.Build();
    }

    [Fact]
    public void C02_learned_NaN_direction_is_kept_in_path_dependent_TreeSHAP()
    {
        var e = C02Model();
        var a = PathDependent(e, [double.NaN, 1.0]);
        Assert.Equal(0.0, a.Margin);
        Assert.Equal(2.4, a.Base, 12);
        Assert.Equal(-1.4, a.Phi[0], 12);
        Assert.Equal(-1.0, a.Phi[1], 12);

        var b = PathDependent(e, [double.NaN, double.NaN]);
        Assert.Equal(2.0, b.Margin);
        Assert.Equal(-1.4, b.Phi[0], 12);
        Assert.Equal(1.0, b.Phi[1], 12);
    }

    [Fact]
    public void C02_learned_NaN_direction_is_kept_in_interventional_TreeSHAP()
    {
        var iv = Interventional(C02Model(), [double.NaN, 1.0], [0, 3, 1, 0]);
        Assert.Equal(2.0, iv.Base, 12);
        Assert.Equal(-1.0, iv.Phi[0], 12);
        Assert.Equal(-1.0, iv.Phi[1], 12);
    }

    [Fact]
    public void C03_an_explicit_zero_is_a_value_and_only_NaN_is_missing()
    {
        var b = new TreeEnsembleBuilder(1);
        b.AddTree(Branch(0, NodeMode.BranchLt, 0.5, Leaf(-1, 50), Leaf(1, 50), nanGoesYes: false, cover: 100));
        var e = b.Build();
        var zero = PathDependent(e, [0.0]);
        var nan = PathDependent(e, [double.NaN]);
        var one = PathDependent(e, [1.0]);
        Assert.Equal((-1.0, 0.0, -1.0), (zero.Margin, zero.Base, zero.Phi[0]));
        Assert.Equal((1.0, 1.0), (nan.Margin, nan.Phi[0]));
        Assert.Equal((1.0, 1.0), (one.Margin, one.Phi[0]));
    }

    [Fact]
    public void C05_margin_space_explanations_of_a_logistic_tree_classifier()
    {
        // (a') one tree x[0] <= 0.5 -> 0.2 / 0.7; explain x = [0]: base 0.45, phi0 = -0.25 (margin 0.2).
        var a = new TreeEnsembleBuilder(1);
        a.AddTree(Branch(0, NodeMode.BranchLeq, 0.5, Leaf(0.2, 50), Leaf(0.7, 50), cover: 100));
        var ap = PathDependent(a.Build(), [0.0]);
        Assert.Equal(0.2, ap.Margin, 12);
        Assert.Equal(0.45, ap.Base, 12);
        Assert.Equal(-0.25, ap.Phi[0], 12);
        Assert.Equal(0.549834, Link.Logistic(ap.Margin), 6);

        // (b) two trees, explain [1, 1]: margin 10, base 5, phi [2, 3]; sigma(10) = 0.9999546.
        var b = new TreeEnsembleBuilder(2);
        b.AddTree(Branch(0, NodeMode.BranchLeq, 0, Leaf(2, 50), Leaf(6, 50), cover: 100));
        b.AddTree(Branch(1, NodeMode.BranchLeq, 0, Leaf(-2, 50), Leaf(4, 50), cover: 100));
        var bp = PathDependent(b.Build(), [1, 1]);
        Assert.Equal(10.0, bp.Margin, 12);
        Assert.Equal(5.0, bp.Base, 12);
        Assert.Equal([2.0, 3.0], bp.Phi.Select(p => Math.Round(p, 12)));
        Assert.Equal(0.9999546, Link.Logistic(bp.Margin), 7);
    }

    [Fact]
    public void C05c_random_forest_style_classifier_explains_both_classes_with_opposite_signs()
    {
        // post_transform NONE, weights for class 1 only; class 0 = 1 - class 1 is represented as its own output.
        var b = new TreeEnsembleBuilder(2, 2);
        b.AddTree(Branch(0, NodeMode.BranchLeq, 0, Leaf([0.5 - 0.30, 0.30], 50), Leaf([0.5 - 0.45, 0.45], 50), cover: 100));
        b.AddTree(Branch(1, NodeMode.BranchLeq, 0, Leaf([0.5 - 0.10, 0.10], 50), Leaf([0.5 - 0.40, 0.40], 50), cover: 100));
        var e = b.Build();
        var class1 = PathDependent(e, [1, -1], 1);
        var class0 = PathDependent(e, [1, -1], 0);
        Assert.Equal(0.55, class1.Margin, 12);
        Assert.Equal(0.625, class1.Base, 12);
        Assert.Equal(0.075, class1.Phi[0], 12);
        Assert.Equal(-0.15, class1.Phi[1], 12);
        Assert.Equal(0.375, class0.Base, 12);
        Assert.Equal(-0.075, class0.Phi[0], 12);
        Assert.Equal(0.15, class0.Phi[1], 12);
    }

    [Fact]
    public void C07_base_score_enters_the_margin_as_a_logit()
    {
        var b = new TreeEnsembleBuilder(1);
        b.AddTree(Branch(0, NodeMode.BranchLt, 1.0, Leaf(-0.3, 40), Leaf(0.5, 60), cover: 100));
        var e = b.Build([Math.Log(0.4 / 0.6)]);
        var pd = PathDependent(e, [2.0]);
        Assert.Equal(0.094535, pd.Margin, 6);
        Assert.Equal(-0.225465, pd.Base, 6);
        Assert.Equal(0.32, pd.Phi[0], 12);
        Assert.Equal(0.523616, Link.Logistic(pd.Margin), 6);

        // sigma(margin base) is not the probability-space base value; it must never be reported as one.
        Assert.Equal(0.443871, Link.Logistic(pd.Base), 6);
    }

    [Fact]
    public void C10_log_link_model_is_explained_additively_in_margin_space()
    {
        var one = new TreeEnsembleBuilder(1);
        one.AddTree(Branch(0, NodeMode.BranchLeq, 0, Leaf(Math.Log(2), 50), Leaf(Math.Log(8), 50), cover: 100));
        var p1 = PathDependent(one.Build(), [1]);
        Assert.Equal(2.079442, p1.Margin, 6);
        Assert.Equal(1.386294, p1.Base, 6);
        Assert.Equal(0.693147, p1.Phi[0], 6);

        var two = new TreeEnsembleBuilder(2);
        two.AddTree(Branch(0, NodeMode.BranchLeq, 0, Leaf(Math.Log(2), 50), Leaf(Math.Log(8), 50), cover: 100));
        two.AddTree(Branch(1, NodeMode.BranchLeq, 0, Leaf(0, 50), Leaf(Math.Log(3), 50), cover: 100));
        var p2 = PathDependent(two.Build(), [1, 1]);
        Assert.Equal(1.935601, p2.Base, 6);
        Assert.Equal(0.693147, p2.Phi[0], 6);
        Assert.Equal(0.549306, p2.Phi[1], 6);
    }

    [Fact]
    public void C13_single_leaf_trees_add_to_the_base_and_give_no_NaN()
    {
        var b = new TreeEnsembleBuilder(1);
        b.AddTree(Leaf(0.459));
        b.AddTree(Branch(0, NodeMode.BranchLeq, 0, Leaf(-1, 30), Leaf(1, 70), cover: 100));
        var e = b.Build();
        var pd = PathDependent(e, [-5]);
        Assert.Equal(-0.541, pd.Margin, 12);
        Assert.Equal(0.859, pd.Base, 12);
        Assert.Equal(-1.4, pd.Phi[0], 12);
    }

    [Theory]
    [InlineData(3.0)]
    [InlineData(double.NaN)]
    public void C13_a_leaf_only_model_has_zero_SHAP_values_for_any_input(double x)
    {
        var b = new TreeEnsembleBuilder(1);
        b.AddTree(Leaf(0.459));
        var e = b.Build();
        e = e.WithCovers(CoverCounter.Count(e, [1.0]), "test");
        var pd = PathDependent(e, [x]);
        Assert.Equal(0.459, pd.Base, 15);
        Assert.Equal(0.459, pd.Margin, 15);
        Assert.Equal(0.0, pd.Phi[0]);
        var iv = Interventional(e, [x], [7.0, -2.0]);
        Assert.Equal(0.0, iv.Phi[0]);
        Assert.Equal(0.459, iv.Base, 15);
    }

    [Fact]
    public void C27_thousand_float32_stumps_are_summed_in_double()
    {
        var b = new TreeEnsembleBuilder(1);
        for (int i = 0; i < 1000; i++)
        {
            b.AddTree(Branch(0, NodeMode.BranchLeq, 0, Leaf(0.1f, 50), Leaf(0.2f, 50), cover: 100));
        }

        var pd = PathDependent(b.Build(), [1]);
        Assert.Equal(200.000002980232, pd.Margin, 9);
        Assert.Equal(150.000002235174, pd.Base, 9);
        Assert.Equal(50.000000745058, pd.Phi[0], 9);
    }

    [Fact]
    public void C25_concurrent_explanations_of_one_model_equal_the_single_threaded_answers()
    {
        var e = C02Model();
        var rows = new[] { new[] { double.NaN, 1 }, [0, 3], [1, 1], [double.NaN, double.NaN] };
        var expected = new[] { (0.0, -1.4, -1.0), (2.0, -1.4, 1.0), (2.0, 0.6, -1.0), (2.0, -1.4, 1.0) };
        var batch = Enumerable.Range(0, 64).SelectMany(i => rows[i % 4]).ToArray();
        var explanation = TreeShapExplainer.Explain(e, FeatureMap.Identity(["x0", "x1"]), LinkFunction.Identity, ["y"], batch, [], TreeShapMethod.PathDependent, degreeOfParallelism: 4);
        for (int r = 0; r < 64; r++)
        {
            var (margin, phi0, phi1) = expected[r % 4];
            Assert.Equal(2.4, explanation.Base(r, 0), 12);
            Assert.Equal(margin, explanation.Output(r, 0), 12);
            Assert.Equal(phi0, explanation.Phi(r, 0, 0), 12);
            Assert.Equal(phi1, explanation.Phi(r, 1, 0), 12);
        }
    }
}
