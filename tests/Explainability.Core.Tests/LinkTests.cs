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
        var probit = new double[1];
        Link.Apply(LinkFunction.Probit, [1.959963984540054], probit);
        Assert.Equal(0.975, probit[0], 9);
    }
}
