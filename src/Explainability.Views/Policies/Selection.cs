namespace Explainability.Views.Policies;

/// <summary>Which attributions a view keeps.</summary>
public enum Selection
{
    /// <summary>Every feature (or group), in decreasing |value|.</summary>
    All,

    /// <summary>The <see cref="AudiencePolicy.TopK"/> largest by |value|.</summary>
    TopByMagnitude,

    /// <summary>The <see cref="AudiencePolicy.TopK"/> largest positive values (pushing toward the explained output)
    /// and the <see cref="AudiencePolicy.TopLowering"/> most negative ones.</summary>
    TopByDirection,

    /// <summary>The reasons for the decision: the <see cref="AudiencePolicy.TopK"/> strongest items pushing toward the case's
    /// outcome, and the <see cref="AudiencePolicy.TopLowering"/> strongest pushing against it. The outcome is positive when
    /// the explained output's probability is at or above the model card's decision threshold (or when the model has no
    /// probability), negative below it; so a favourable case is explained by what pushed it away from the explained output.</summary>
    TopByDecision,
}
