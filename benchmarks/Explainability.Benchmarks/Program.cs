using BenchmarkDotNet.Running;
using Explainability.Benchmarks.LightGbm;

if (args is ["--validate", ..])
{
    // The LightGBM peer's correctness check: the models the benchmark times, plus a quick small one that CI runs (--validate quick).
    (int, int)[] models = args is [_, "quick"] ? [(20, 4)] : [(20, 4), (100, 6), (100, 8), (500, 6), (500, 8)];
    return LightGbmPeer.Validate(Console.Out, models, trainRows: args is [_, "quick"] ? 2000 : 10_000, checkRows: 200);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

/// <summary>
/// Entry point of the benchmark suite: <c>dotnet run -c Release --project benchmarks/Explainability.Benchmarks -- --filter *</c>;
/// <c>-- --validate</c> checks the LightGBM peer's SHAP values against ours instead of timing.
/// </summary>
public partial class Program;
