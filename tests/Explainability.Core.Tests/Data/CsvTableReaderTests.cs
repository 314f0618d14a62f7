using Explainability.Core.Data;

namespace Explainability.Core.Tests.Data;

public class CsvTableReaderTests
{
    [Fact]
    public void Unterminated_quote_in_a_text_column_is_refused_naming_the_line_it_started_on()
    {
        // Before the fix the open quote swallowed lines 3 and 4 into one field: two rows instead of three, no error.
        const string csv = "id,income\n\"a,1\nb,2\nc,3\n";
        var e = Assert.Throws<FormatException>(() => CsvTableReader.Parse(csv, "rows.csv"));
        Assert.Equal("rows.csv: line 2: unterminated quoted field", e.Message);
    }

    [Fact]
    public void Unterminated_quote_in_a_feature_column_names_the_quote_not_a_field_count()
    {
        const string csv = "income,age\n1,2\n3,\"4\n5,6\n";
        var e = Assert.Throws<FormatException>(() => CsvTableReader.Parse(csv, "rows.csv"));
        Assert.Equal("rows.csv: line 3: unterminated quoted field", e.Message);
    }

    [Fact]
    public void Closed_quotes_with_commas_newlines_and_doubled_quotes_still_parse()
    {
        const string csv = "name,income\n\"a, \"\"b\"\"\nc\",1\nd,2\n";
        var table = CsvTableReader.Parse(csv, "rows.csv");
        Assert.Equal(2, table.RowCount);
        Assert.Equal("a, \"b\"\nc", table[0, 0].Text);
        Assert.Equal(2.0, table[1, 1].Number);
    }
}
