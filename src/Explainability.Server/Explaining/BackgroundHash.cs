using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Explainability.Core.Data;

namespace Explainability.Server.Explaining;

/// <summary>
/// The one <c>background_sha256</c> every method records: the SHA-256 of the background table as read, in a canonical text
/// form, so that two explanations over the same background say so whatever layout their algorithm holds it in.
/// </summary>
/// <remarks>
/// Canonical form (UTF-8, no byte-order mark): the header, then one line per row, each line ended by <c>\n</c>; fields
/// separated by <c>,</c> without quoting; the header lists the table's columns in file order; a number is written with
/// <c>double.ToString("R", CultureInfo.InvariantCulture)</c> (so <c>1.50</c> in the file is <c>1.5</c>), a text cell
/// as it is, a missing value as an empty field. It is not the file's hash: quoting, spacing, number spelling and line
/// endings of the file do not change it.
/// </remarks>
public static class BackgroundHash
{
    /// <summary>The lower-case hex SHA-256 of <paramref name="table"/> in the canonical form (see remarks).</summary>
    public static string Of(FeatureTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var text = new StringBuilder();
        text.AppendJoin(',', table.Columns).Append('\n');
        for (int r = 0; r < table.RowCount; r++)
        {
            for (int c = 0; c < table.Columns.Count; c++)
            {
                if (c > 0)
                {
                    text.Append(',');
                }

                var value = table[r, c];
                if (value.IsText)
                {
                    text.Append(value.Text);
                }
                else if (!value.IsMissing)
                {
                    text.Append(value.Number.ToString("R", CultureInfo.InvariantCulture));
                }
            }

            text.Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
