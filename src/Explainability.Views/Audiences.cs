using Explainability.Core.Data;
namespace Explainability.Views;

/// <summary>The audiences a view is projected for. Names are the wire names used in requests and template folders.</summary>
public static class Audiences
{
    /// <summary>Model developers and validators: every number, in the explanation's own space.</summary>
    public const string DataScientist = "data-scientist";

    /// <summary>Portfolio and product owners: drivers by feature group in probability points.</summary>
    public const string BusinessManager = "business-manager";

    /// <summary>Investigators of a single case: score, risk signals with the case's values and percentiles.</summary>
    public const string FraudAnalyst = "fraud-analyst";

    /// <summary>The applicant: plain-language reasons, no score, no protected or internal features.</summary>
    public const string Customer = "customer";

    /// <summary>All audiences, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } = [DataScientist, BusinessManager, FraudAnalyst, Customer];

    /// <summary>Throws unless <paramref name="audience"/> is one of <see cref="All"/>.</summary>
    /// <exception cref="ArgumentException">The audience is unknown; the message lists the allowed values.</exception>
    public static string Require(string audience, string paramName)
    {
        if (!All.Contains(audience, StringComparer.Ordinal))
        {
            throw new ArgumentException($"unknown audience {MessageText.Quote(audience)}; expected one of: {string.Join(", ", All)}", paramName);
        }

        return audience;
    }
}
