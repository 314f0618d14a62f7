namespace Explainability.Views.Policies;

/// <summary>
/// Builds the exception for an invalid audience policy in a policy file or a model card: an
/// <see cref="InvalidDataException"/> (as for any other invalid card or file) whose message names the file, the audience,
/// the field and the bad value.
/// </summary>
public static class PolicyError
{
    /// <summary>The exception for <paramref name="field"/> of <paramref name="audience"/>'s policy in <paramref name="source"/>.</summary>
    /// <param name="source">Where the policy came from: the policy file's path, or <c>model card &lt;path&gt;</c>.</param>
    /// <param name="audience">The audience key, or null when the problem is with the whole file.</param>
    /// <param name="field">The JSON field name (<c>topK</c>), or null when the problem is with the audience or the file.</param>
    /// <param name="message">What is wrong, with the bad value and what was expected.</param>
    /// <param name="inner">The exception that detected it, or null.</param>
    public static InvalidDataException Create(string source, string? audience, string? field, string message, Exception? inner = null) =>
        new((audience, field) switch
        {
            (null, _) => $"{source}: {message}",
            (_, null) => $"{source}: policy '{audience}': {message}",
            _ => $"{source}: policy '{audience}', field '{field}': {message}",
        }, inner);
}
