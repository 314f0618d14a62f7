using Explainability.Core.Explanations;

namespace Explainability.Core.Tests;

public class LinkTests
{
    [Fact]
    public void Softmax_and_logistic_match_hand_values()
    {
        var p = new double[3];
        Link.Apply(LinkFunction.Softmax, [0, Math.Log(2), Math.Log(5)], p);
        Assert.Equal([0.125, 0.25, 0.625], p.Select(v => Math.Round(v, 12)));
        Link.Apply(LinkFunction.SoftmaxZero, [0, Math.Log(2), Math.Log(6)], p);
        Assert.Equal([0, 0.25, 0.75], p.Select(v => Math.Round(v, 12)));
        Assert.Equal(0.549834, Link.Logistic(0.2), 6);
        Assert.Equal(1.0, Link.Logistic(800), 12);
        Assert.Equal(0.0, Link.Logistic(-800), 12);
    }

    [Fact]
    public void Probit_is_the_normal_quantile_of_the_score_as_onnx_runtime_applies_it()
    {
        var probit = new double[6];
        Link.Apply(LinkFunction.Probit, [0.975, 0.5, 0.025, 0, 1, 1.5], probit);
        Assert.Equal(1.959963984540054, probit[0], 9);
        Assert.Equal(0, probit[1], 12);
        Assert.Equal(-1.959963984540054, probit[2], 9);
        Assert.Equal(double.NegativeInfinity, probit[3]);
        Assert.Equal(double.PositiveInfinity, probit[4]);
        Assert.True(double.IsNaN(probit[5]));
        Assert.True(double.IsNaN(Link.Probit(-0.5)));
        Assert.True(double.IsNaN(Link.Probit(double.NaN)));
    }
}
