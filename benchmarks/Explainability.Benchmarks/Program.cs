using BenchmarkDotNet.Running;
using Explainability.Benchmarks.LightGbm;

if (args is ["--validate", ..])
{
    // The models the benchmark times, trees with NaN-aware splits (missing_type NaN, default_left), and a quick small one (--validate quick).
    (int, int, double)[] models = args is [_, "quick"]
        ? [(20, 4, 0), (20, 4, 0.1)]
        : [(20, 4, 0), (20, 4, 0.1), (100, 6, 0), (100, 6, 0.1), (100, 8, 0), (500, 6, 0), (500, 8, 0)];
    return LightGbmPeer.Validate(Console.Out, models, trainRows: args is [_, "quick"] ? 2000 : 10_000, checkRows: 200);
}

if (args is ["--latency", ..])
{
    return await Explainability.Benchmarks.ServiceLatency.Run(
        Console.Out, args is [_, var n, ..] ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : 2000, args is [_, _, var address] ? address : null);
}

if (args is ["--batch-input", var count, var path, ..])
{
    return Explainability.Benchmarks.BatchInput.Write(
        Console.Out,
        long.Parse(count, System.Globalization.CultureInfo.InvariantCulture),
        path,
        args is [_, _, _, var seed] ? int.Parse(seed, System.Globalization.CultureInfo.InvariantCulture) : 20260101);
}

if (args is ["--load", ..])
{
    var seconds = args is [_, var s, ..] ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 60;
    var clients = args is [_, _, var c, ..] ? int.Parse(c, System.Globalization.CultureInfo.InvariantCulture) : 8;
    return await Explainability.Benchmarks.ServiceLoad.Run(Console.Out, TimeSpan.FromSeconds(seconds), clients);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

/// <summary>
/// Entry point of the benchmark suite: <c>dotnet run -c Release --project benchmarks/Explainability.Benchmarks -- --filter *</c>;
/// <c>-- --validate</c> checks the LightGBM peer's SHAP values against ours instead of timing; <c>-- --latency [calls [address]]</c>
/// measures the gRPC service's latency (<see cref="Explainability.Benchmarks.ServiceLatency"/>); <c>-- --load [seconds]
/// [clients]</c> puts it under sustained load (<see cref="Explainability.Benchmarks.ServiceLoad"/>); <c>-- --batch-input N
/// out.csv [seed]</c> writes a large input for <c>explain</c> in batch mode (<see cref="Explainability.Benchmarks.BatchInput"/>).
/// </summary>
public partial class Program;
