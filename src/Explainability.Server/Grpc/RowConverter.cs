using Explainability.Core.Data;
using Explainability.Onnx;
using Explainability.Views.ModelCards;
using ProtoRow = Explainability.Protos.Row;
using ProtoValue = Explainability.Protos.FeatureValue;

namespace Explainability.Server.Grpc;

/// <summary>Turns the rows of an <c>ExplainRequest</c> into the raw <see cref="FeatureTable"/> the explanation service takes.</summary>
public static class RowConverter
{
    /// <summary>
    /// Builds the table <c>[rows, features]</c> with the model card's features as columns, in the card's order. A number is
    /// taken as is (NaN is missing), a text as a category, a value with neither set as missing. A model's per-row offset inputs
    /// (<paramref name="offsetColumns"/>, casebook C11) follow the features as required columns. Types are checked later by
    /// <see cref="Explaining.ExplanationService.Validate"/>, which names the row and the feature.
    /// </summary>
    /// <exception cref="InputException">No rows, a key the card does not list (with the row's count of values when it has
    /// more than the card has features), or a row without one of the card's features;
    /// the message names the feature and the row index.</exception>
    /// <param name="rows">The request's rows.</param>
    /// <param name="card">The model card.</param>
    /// <param name="offsetColumns">Columns of the model's per-row offset inputs, or null when it has none.</param>
    public static FeatureTable ToTable(IReadOnlyList<ProtoRow> rows, ModelCard card, IReadOnlyList<string>? offsetColumns = null)
    {
        offsetColumns ??= [];
        if (rows.Count == 0)
        {
            throw new InputException($"the request has no rows; send at least one row of model '{card.Id}'");
        }

        var known = card.Features.Select(f => f.Name).Concat(offsetColumns).ToHashSet(StringComparer.Ordinal);
        for (int r = 0; r < rows.Count; r++)
        {
            foreach (var key in rows[r].Values.Keys)
            {
                if (!known.Contains(key))
                {
                    // A row with more values than the model has features (a million, say) always holds an unknown key: the
                    // message says how many it has, and the first unknown key stops the check.
                    string count = rows[r].Values.Count > known.Count ? $"; the row has {rows[r].Values.Count} values, the model takes {known.Count}" : "";
                    throw new InputException(key, $"row {r}: unknown feature {MessageText.Quote(key)} for model '{card.Id}'{count}; its features are: {string.Join(", ", known)}");
                }
            }
        }

        var columns = card.Features.Select(f => f.Name).Concat(offsetColumns).ToList();
        var cells = new FeatureValue[rows.Count * columns.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            var values = rows[r].Values;
            for (int c = 0; c < columns.Count; c++)
            {
                if (!values.TryGetValue(columns[c], out var value))
                {
                    throw new InputException(columns[c], c >= card.Features.Count
                        ? $"row {r}: missing offset '{columns[c]}' for model '{card.Id}': the model adds it to its margin per row, so it is required"
                        : $"row {r}: missing feature '{columns[c]}' for model '{card.Id}' (send NaN for a missing value)");
                }

                cells[(r * columns.Count) + c] = value.ValueCase switch
                {
                    ProtoValue.ValueOneofCase.Number => FeatureValue.Of(value.Number),
                    ProtoValue.ValueOneofCase.Text => FeatureValue.Of(value.Text),
                    _ => FeatureValue.Missing,
                };
            }
        }

        return new FeatureTable(columns, cells);
    }

    /// <summary>
    /// The inverse of <see cref="ToTable"/> for one row: row <paramref name="row"/> of <paramref name="table"/> as a request
    /// row holding the model card's features (a text cell as text, any other cell as a number; other columns are left out).
    /// For clients and tests that send rows they hold as a table.
    /// </summary>
    /// <exception cref="ArgumentException">The table lacks one of the card's features.</exception>
    public static ProtoRow FromTable(FeatureTable table, int row, ModelCard card)
    {
        var result = new ProtoRow();
        foreach (var feature in card.Features)
        {
            int column = table.IndexOf(feature.Name);
            if (column < 0)
            {
                throw new ArgumentException($"the table has no column '{feature.Name}' of model '{card.Id}'", nameof(table));
            }

            var cell = table[row, column];
            result.Values[feature.Name] = cell.IsText ? new ProtoValue { Text = cell.Text } : new ProtoValue { Number = cell.Number };
        }

        return result;
    }
}
