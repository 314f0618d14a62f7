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
}
