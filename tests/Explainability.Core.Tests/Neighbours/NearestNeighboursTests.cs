using Explainability.Core.Neighbours;

namespace Explainability.Core.Tests.Neighbours;

public sealed class NearestNeighboursTests
{
    [Fact]
    public void Hand_worked_2d_points_come_back_nearest_first_with_ties_to_the_lower_row()
    {
        // Query (0, 0). Rows: (3, 4) -> 5; (1, 0) -> 1; (0, -1) -> 1 (tie with row 1: row 1 first); (6, 8) -> 10; (0, 2) -> 2.
        double[] reference = [3, 4, 1, 0, 0, -1, 6, 8, 0, 2];

        var found = NearestNeighbours.Find([0, 0], reference, 3);

        Assert.Equal([new Neighbour(1, 1), new Neighbour(2, 1), new Neighbour(4, 2)], found);
        Assert.Equal(5, NearestNeighbours.Find([0, 0], reference, 9).Length);
        Assert.Empty(NearestNeighbours.Find([0, 0], reference, 0));
    }

    [Fact]
    public void Random_vectors_match_a_full_sort()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 50; trial++)
        {
            int d = rng.Next(1, 6), rows = rng.Next(1, 40), k = rng.Next(0, 8);
            var reference = Enumerable.Range(0, rows * d).Select(_ => Math.Round(rng.NextDouble() * 4, 1)).ToArray();
            var query = Enumerable.Range(0, d).Select(_ => Math.Round(rng.NextDouble() * 4, 1)).ToArray();

            var expected = Enumerable.Range(0, rows)
                .Select(r => new Neighbour(r, Math.Sqrt(Enumerable.Range(0, d).Sum(j => (reference[(r * d) + j] - query[j]) * (reference[(r * d) + j] - query[j])))))
                .OrderBy(n => n.Distance).ThenBy(n => n.Row).Take(k);

            Assert.Equal(expected.Select(n => n.Row), NearestNeighbours.Find(query, reference, k).Select(n => n.Row));
        }
    }

    [Fact]
    public void A_reference_that_is_not_whole_rows_is_refused()
    {
        Assert.Throws<ArgumentException>(() => NearestNeighbours.Find([0, 0], new double[5], 1));
    }
}
