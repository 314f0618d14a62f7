using Explainability.Core.Summaries;
using Explainability.Server.Summaries;
using Proto = Explainability.Protos;

namespace Explainability.Server.Grpc;

/// <summary>Maps a <see cref="SummaryOutcome"/> to the <c>SummarizeResponse</c> message.</summary>
internal static class SummaryProtoMapping
{
    /// <summary>The response: model, method, space, parameters, the whole summary and the cohorts.</summary>
    public static Proto.SummarizeResponse ToResponse(SummaryOutcome outcome)
    {
        var response = new Proto.SummarizeResponse
        {
            ModelId = outcome.Model.Id,
            ModelVersion = outcome.Model.Version,
            ModelSha256 = outcome.Model.Sha256,
            Method = outcome.Whole.Method,
            OutputSpace = outcome.Whole.OutputSpace.ToString().ToLowerInvariant(),
            Summary = ToMessage(outcome.Whole),
            CohortColumn = outcome.CohortColumn ?? "",
        };
        foreach (var (key, value) in outcome.Parameters)
        {
            response.Parameters[key] = value;
        }
        foreach (var cohort in outcome.Cohorts)
        {
            var message = new Proto.CohortSummary { Value = cohort.Value, Summary = ToMessage(cohort.Summary) };
            message.MeanAbsShapDifference.Add(cohort.MeanAbsShapDifference);
            response.Cohorts.Add(message);
        }

        return response;
    }

    private static Proto.GlobalSummary ToMessage(GlobalSummary summary)
    {
        var message = new Proto.GlobalSummary { Output = summary.OutputName, Rows = summary.RowCount };
        foreach (var f in summary.Features)
        {
            var feature = new Proto.FeatureSummary { Feature = f.Name, Categorical = f.Categorical, MeanAbsShap = f.MeanAbsShap, MeanShap = f.MeanShap };
            feature.Beeswarm.Add(f.Beeswarm.Select(ToMessage));
            feature.Dependence.Add(f.Dependence.Select(ToMessage));
            message.Features.Add(feature);
        }

        foreach (var g in summary.Groups)
        {
            var group = new Proto.GroupSummary { Group = g.Name, MeanAbsShap = g.MeanAbsShap, MeanShap = g.MeanShap };
            group.Features.Add(g.Features);
            group.Beeswarm.Add(g.Beeswarm.Select(ToMessage));
            message.Groups.Add(group);
        }

        if (summary.Interactions is { } interactions)
        {
            message.InteractionFeatures.Add(interactions.Conditioned);
            message.MainEffects.Add(interactions.MainEffects);
            message.InteractionPairs.Add(interactions.Pairs.Select(p => new Proto.InteractionPair
            {
                FeatureA = p.FeatureA,
                FeatureB = p.FeatureB,
                MeanAbsInteraction = p.MeanAbsInteraction,
            }));
        }

        return message;
    }

    private static Proto.BeeswarmBin ToMessage(BeeswarmBin bin)
    {
        var message = new Proto.BeeswarmBin { Lower = bin.Lower, Upper = bin.Upper, Count = bin.Count };
        if (bin.MeanNormalizedValue is { } colour)
        {
            message.MeanNormalizedValue = colour;
        }

        return message;
    }

    private static Proto.DependenceBin ToMessage(DependenceBin bin)
    {
        var message = new Proto.DependenceBin { Label = bin.Label, Count = bin.Count, MeanShap = bin.MeanShap, SdShap = bin.StandardDeviationShap };
        if (bin.Lower is { } lower)
        {
            message.Lower = lower;
        }

        if (bin.Upper is { } upper)
        {
            message.Upper = upper;
        }

        return message;
    }
}
