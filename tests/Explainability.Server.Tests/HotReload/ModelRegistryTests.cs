using Explainability.Server.Explaining;
using Explainability.Server.Models;

namespace Explainability.Server.Tests.HotReload;

/// <summary>Leases: a replaced or removed model stays usable for the requests that hold it and is disposed after the last.</summary>
public sealed class ModelRegistryTests
{
    private static readonly double[] Factors = [1.0, 1.25, 1.5];

    [Fact]
    public void A_replaced_model_is_disposed_only_when_its_last_lease_is_released_and_still_explains_until_then()
    {
        var v1 = LoadedModel.Load(ModelFolders.Shipped(ModelFolders.CreditRisk));
        var v2 = LoadedModel.Load(ModelFolders.Staged(ModelFolders.ScaledOnnx(1.5), "2.0.0"));
        using var registry = new ModelRegistry([v1]);
        var rows = v1.Background!.SelectRows([0, 1]);
        var before = ExplanationService.Explain(v1, rows, new ExplainOptions("tree_path_dependent", AllowExtraColumns: true)).Explanation;

        var first = registry.Acquire(ModelFolders.CreditRisk);
        var second = registry.Acquire(ModelFolders.CreditRisk);
        var replaced = registry.Serve(v2);

        Assert.Same(v1, replaced);
        Assert.Same(v2, registry.Get(ModelFolders.CreditRisk));
        Assert.Same(v1, first.Model);
        Assert.False(v1.IsDisposed);
        first.Dispose();
        first.Dispose(); // a second dispose releases nothing more
        Assert.False(v1.IsDisposed);
        // The lease still held runs the old version's ONNX Runtime session and gets its numbers.
        var during = ExplanationService.Explain(second.Model, rows, new ExplainOptions("tree_path_dependent", AllowExtraColumns: true)).Explanation;
        Assert.Equal(before.Output(1, 0), during.Output(1, 0));
        using (var lease = registry.Acquire(ModelFolders.CreditRisk))
        {
            Assert.Same(v2, lease.Model);
            var after = ExplanationService.Explain(lease.Model, rows, new ExplainOptions("tree_path_dependent", AllowExtraColumns: true)).Explanation;
            Assert.NotEqual(before.Output(1, 0), after.Output(1, 0));
        }

        second.Dispose();
        Assert.True(v1.IsDisposed);
        Assert.False(v2.IsDisposed);
    }

    [Fact]
    public void A_removed_model_is_not_found_by_new_requests_and_disposed_after_the_lease_that_holds_it()
    {
        var v1 = LoadedModel.Load(ModelFolders.Shipped(ModelFolders.CreditRisk));
        using var registry = new ModelRegistry([v1]);
        var lease = registry.Acquire(ModelFolders.CreditRisk);

        Assert.Same(v1, registry.Remove(ModelFolders.CreditRisk));

        var e = Assert.Throws<ModelNotFoundException>(() => registry.Acquire(ModelFolders.CreditRisk));
        Assert.Equal("unknown model 'credit-risk'; known models: ", e.Message);
        Assert.Empty(registry.Models);
        Assert.False(v1.IsDisposed);
        lease.Dispose();
        Assert.True(v1.IsDisposed);
        Assert.Null(registry.Remove(ModelFolders.CreditRisk));
    }

    [Fact]
    public void Disposing_the_registry_waits_for_open_leases_and_then_refuses_to_serve()
    {
        var v1 = LoadedModel.Load(ModelFolders.Shipped(ModelFolders.CreditRisk));
        var registry = new ModelRegistry([v1]);
        var lease = registry.Acquire(ModelFolders.CreditRisk);
        registry.Dispose();
        Assert.False(v1.IsDisposed);
        lease.Dispose();
        Assert.True(v1.IsDisposed);

        var v2 = LoadedModel.Load(ModelFolders.Shipped(ModelFolders.CreditRisk));
        Assert.Throws<ObjectDisposedException>(() => registry.Serve(v2));
        Assert.True(v2.IsDisposed);
    }

    [Fact]
    public async Task Leases_taken_and_released_on_many_threads_while_versions_are_swapped_never_see_a_disposed_model()
    {
        var versions = Factors.Select(f => LoadedModel.Load(ModelFolders.Staged(ModelFolders.ScaledOnnx(f), $"1.0.{(int)(f * 100)}"))).ToList();
        using var registry = new ModelRegistry([versions[0]]);
        using var stop = new CancellationTokenSource();
        long leases = 0;
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var lease = registry.Acquire(ModelFolders.CreditRisk);
                Assert.False(lease.Model.IsDisposed);
                Thread.SpinWait(50);
                Assert.False(lease.Model.IsDisposed);
                Interlocked.Increment(ref leases);
            }
        })).ToList();

        var swapped = new List<LoadedModel>();
        for (int round = 0; round < 40; round++)
        {
            // Fresh copies each round, so every replaced one can be checked for its disposal.
            var next = LoadedModel.Load(versions[(round + 1) % versions.Count].Source);
            swapped.Add(registry.Serve(next)!);
            await Task.Yield();
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.True(Interlocked.Read(ref leases) > 0);
        Assert.All(swapped, m => Assert.True(m.IsDisposed));
        Assert.False(registry.Get(ModelFolders.CreditRisk).IsDisposed);
        versions.Skip(1).ToList().ForEach(m => m.Dispose());
    }

    [Fact]
    public void Loading_a_directory_with_two_folders_of_one_id_loads_the_higher_version_and_refuses_a_tie()
    {
        string directory = ModelFolders.NewDirectory();
        ModelFolders.Copy(ModelFolders.CreditRisk, Path.Combine(directory, "a-credit-risk-1"));
        string newer = Path.Combine(directory, "b-credit-risk-1.10");
        ModelFolders.Copy(ModelFolders.CreditRisk, newer);
        ModelFolders.WriteByRename(newer, ModelFolders.ScaledOnnx(1.5), "1.10.0");
        string older = Path.Combine(directory, "c-credit-risk-1.9");
        ModelFolders.Copy(ModelFolders.CreditRisk, older);
        ModelFolders.WriteByRename(older, ModelFolders.ScaledOnnx(0.75), "1.9.0");

        using (var registry = ModelRegistry.LoadDirectory(directory))
        {
            var served = Assert.Single(registry.Models);
            Assert.Equal(("1.10.0", newer), (served.Version, served.Source));
        }

        string tie = Path.Combine(directory, "d-credit-risk-1.10");
        ModelFolders.Copy(ModelFolders.CreditRisk, tie);
        ModelFolders.WriteByRename(tie, ModelFolders.ScaledOnnx(1.25), "1.10.0");
        var e = Assert.Throws<ArgumentException>(() => ModelRegistry.LoadDirectory(directory));
        Assert.Equal(
            $"two models have the id 'credit-risk' and version 1.10.0: {tie} and {newer}; give the newer one a higher version in its model-card.json, or remove one",
            e.Message);
    }

    [Theory]
    [InlineData("1.0.0", "2.0.0", -1)]
    [InlineData("1.10.0", "1.9.0", 1)]
    [InlineData("1.0", "1.0.1", -1)]
    [InlineData("2.0.0", "2.0.0", 0)]
    [InlineData("1.0", "1.00", 0)]
    [InlineData("1.0.0-rc1", "1.0.0-rc2", -1)]
    public void Card_versions_order_by_their_numeric_parts(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(ModelVersionOrder.Compare(a, b)));
        Assert.Equal(-expected, Math.Sign(ModelVersionOrder.Compare(b, a)));
    }
}
