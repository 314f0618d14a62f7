using Explainability.Views.ModelCards;

namespace Explainability.Views.Tests;

public class ModelCardReaderTests
{
    private static ModelCard ReadOutput(string output)
    {
        string path = Path.Combine(Path.GetTempPath(), "model-card-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, $$"""
            {
              "id": "m", "version": "1",
              "features": [ { "name": "x", "displayName": { "en": "X" }, "type": "numeric" } ],
              "output": {{output}}
            }
            """);
        try
        {
            return ModelCardReader.Read(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Negative_outcome_is_read_and_is_optional()
    {
        var card = ReadOutput("""{ "positiveOutcome": "the loan is declined", "negativeOutcome": "the loan is approved", "decisionThreshold": 0.3 }""");
        Assert.Equal("the loan is approved", card.Output.NegativeOutcome);
        Assert.Equal(0.3, card.Output.DecisionThreshold);

        var bare = ReadOutput("""{ "positiveOutcome": "the loan is declined" }""");
        Assert.Equal("", bare.Output.NegativeOutcome);
        Assert.Equal(0.5, bare.Output.DecisionThreshold);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("1.5")]
    [InlineData("-0.2")]
    public void Decision_threshold_outside_the_open_unit_interval_is_rejected(string threshold)
    {
        var ex = Assert.Throws<InvalidDataException>(() => ReadOutput($$"""{ "decisionThreshold": {{threshold}} }"""));
        Assert.Contains("output.decisionThreshold is " + threshold, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_sentence_for_both_outcomes_is_rejected()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ReadOutput("""{ "positiveOutcome": "the loan is declined", "negativeOutcome": "The loan is declined " }"""));
        Assert.Contains("negativeOutcome", ex.Message, StringComparison.Ordinal);
    }
}
