using System.Security.Cryptography;
using Explainability.Protos;

namespace Explainability.Server.Tests;

[Collection(ServerTestGroup.Name)]
public sealed class ModelCatalogTests(ServerFixture server)
{
    [Fact]
    public async Task ListModels_lists_the_shipped_models_with_the_sha256_of_their_onnx_files()
    {
        var response = await server.Client.ListModelsAsync(new ListModelsRequest());

        Assert.Equal(["card-fraud", "credit-risk"], response.Models.Select(m => m.Id));
        foreach (var model in response.Models)
        {
            byte[] file = await File.ReadAllBytesAsync(Path.Combine(ServerFixture.ModelsDirectory, model.Id, "model.onnx"));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), model.Sha256);
            Assert.Equal("1.0.0", model.Version);
            Assert.Equal(["tree_path_dependent", "interventional", "kernel", "permutation"], model.Explainers);
            Assert.Equal(server.Registry.Get(model.Id).Background!.RowCount, model.BackgroundRows);
            Assert.True(model.BackgroundRows > 0);
        }
    }

    [Fact]
    public async Task GetModel_credit_risk_describes_20_features_with_age_protected()
    {
        var model = await server.Client.GetModelAsync(new GetModelRequest { ModelId = "credit-risk" });

        Assert.Equal(20, model.Features.Count);
        var age = Assert.Single(model.Features, f => f.Name == "age");
        Assert.Contains("protected", age.Tags);
        Assert.Equal("Age", age.DisplayName);
        Assert.Equal("Leeftijd", age.DisplayNames["nl"]);
        Assert.Equal("numeric", age.Type);
        Assert.Equal("years", age.Unit);
        Assert.Equal(["personal_status", "age", "foreign_worker"], model.Features.Where(f => f.Tags.Contains("protected")).Select(f => f.Name));

        var checking = Assert.Single(model.Features, f => f.Name == "checking_status");
        Assert.Equal("categorical", checking.Type);
        Assert.Equal(["<0", "0<=X<200", ">=200", "no checking"], checking.Categories);
        Assert.Equal("No checking account", checking.CategoryLabels["no checking"]);
        Assert.Equal("Account and savings", checking.Group);
        Assert.Equal("increase", checking.ActionableDirection); // along the card's actionableOrder <0, 0<=X<200, >=200

        // A binary classifier served as one score column is explained through that column alone: one output, the positive class's log-odds.
        Assert.Equal(["bad"], model.Outputs); // the graph numbers its single score "0"; the card names it by the positive class
        Assert.Single(model.Outputs);
        Assert.Equal("bad", model.PositiveClass);
        Assert.NotEmpty(model.OutputDescription);
        Assert.Equal(server.Registry.Get("credit-risk").Sha256, model.Sha256);
    }
}
