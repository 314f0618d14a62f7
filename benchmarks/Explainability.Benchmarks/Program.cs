using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point of the benchmark suite: <c>dotnet run -c Release --project benchmarks/Explainability.Benchmarks -- --filter *</c>.</summary>
public partial class Program;
