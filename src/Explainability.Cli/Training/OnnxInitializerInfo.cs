namespace Explainability.Cli.Training;

/// <summary>A graph initializer: name, element type, dims, first values.</summary>
internal sealed record OnnxInitializerInfo(string Name, string Type, string Dims, string Values);
