using Explainability.Protos;

namespace Explainability.Server.Tests;

/// <summary>Every Explain call is recorded under new explanation ids; tests that compare two answers compare the rest.</summary>
internal static class LedgerIds
{
    /// <summary>A copy of <paramref name="response"/> with every row's explanation id cleared.</summary>
    public static ExplainResponse Cleared(ExplainResponse response)
    {
        var copy = response.Clone();
        foreach (var row in copy.Rows)
        {
            Assert.Matches("^[0-9a-f]{32}$", row.ExplanationId);
            row.ExplanationId = "";
        }

        return copy;
    }
}
