using Explainability.Core.Data;

namespace Explainability.Core.Tests.Data;

public class CsvChunkReaderTests
{
    // Quoted commas, a quoted newline (one record over two lines), a blank line, CRLF endings and missing values.
    private const string Csv = "name,income\r\n\"a, \"\"b\"\"\nc\",1\r\nd,2\n\ne,\nf,NaN\ng,5\n";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(100)]
    public void Chunks_of_any_size_concatenate_to_the_whole_table(int chunkRows)
    {
        var whole = CsvTableReader.Parse(Csv, "rows.csv");
        var reader = new CsvChunkReader(new StringReader(Csv), "rows.csv");
        var cells = new List<FeatureValue>();
        int chunks = 0;
        for (var chunk = reader.ReadChunk(chunkRows); chunk.RowCount > 0; chunk = reader.ReadChunk(chunkRows))
        {
            Assert.InRange(chunk.RowCount, 1, chunkRows);
            cells.AddRange(chunk.Cells);
            chunks++;
        }

        Assert.Equal(5, whole.RowCount);
        Assert.Equal((5 + chunkRows - 1) / chunkRows, chunks);
        Assert.Equal(whole.Cells, cells);
        Assert.Equal(5, reader.RowsRead);
    }

    [Fact]
    public void Skip_passes_over_rows_so_the_next_chunk_starts_after_them()
    {
        var reader = new CsvChunkReader(new StringReader(Csv), "rows.csv");

        Assert.Equal(3, reader.Skip(3));
        var rest = reader.ReadChunk(10);

        Assert.Equal(["f", "g"], Enumerable.Range(0, rest.RowCount).Select(r => rest[r, 0].Text));
        Assert.Equal(0, reader.Skip(1));
    }

    [Fact]
    public void A_ragged_row_in_a_later_chunk_names_its_line_in_the_file()
    {
        var reader = new CsvChunkReader(new StringReader("a,b\n1,2\n3,4\n5\n"), "rows.csv");
        reader.ReadChunk(2);

        var e = Assert.Throws<FormatException>(() => reader.ReadChunk(2));

        Assert.Equal("rows.csv: line 4 has 1 fields, the header has 2", e.Message);
    }
}
