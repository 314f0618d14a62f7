namespace Explainability.Core.Neighbours;

/// <summary>A reference row near a query.</summary>
/// <param name="Row">Index of the row in the reference matrix.</param>
/// <param name="Distance">Euclidean distance to the query, in the unit of the vectors.</param>
public readonly record struct Neighbour(int Row, double Distance);
