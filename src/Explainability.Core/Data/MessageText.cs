using System.Globalization;

namespace Explainability.Core.Data;

/// <summary>Quotes values a caller sent (a cell, a column name, a category) inside error messages.</summary>
public static class MessageText
{
    /// <summary>Longest value quoted whole; longer ones are cut there.</summary>
    public const int MaxQuotedLength = 80;

    /// <summary>
    /// <c>'value'</c>, or for a value longer than <see cref="MaxQuotedLength"/> characters its beginning with an ellipsis
    /// and the full length, <c>'abc…' (1048576 characters)</c>: a message names the value without echoing a megabyte of it.
    /// </summary>
    public static string Quote(string? value)
    {
        if (value is null)
        {
            return "''";
        }

        if (value.Length <= MaxQuotedLength)
        {
            return $"'{value}'";
        }

        // Do not cut a surrogate pair in half.
        int cut = char.IsHighSurrogate(value[MaxQuotedLength - 1]) ? MaxQuotedLength - 1 : MaxQuotedLength;
        return string.Create(CultureInfo.InvariantCulture, $"'{value.AsSpan(0, cut)}…' ({value.Length} characters)");
    }
}
