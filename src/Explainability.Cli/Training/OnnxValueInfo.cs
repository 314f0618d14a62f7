namespace Explainability.Cli.Training;

/// <summary>A graph input or output: name, type (<c>tensor(float)</c>, <c>seq(map(int64,float))</c>), shape.</summary>
internal sealed record OnnxValueInfo(string Name, string Type, string Shape);
