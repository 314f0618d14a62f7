using Explainability.Core.Summaries;
using Explainability.Server.Summaries;
using Proto = Explainability.Protos;

namespace Explainability.Server.Grpc;

/// <summary>Maps a <see cref="SummaryOutcome"/> to the <c>SummarizeResponse</c> message and a <see cref="DriftOutcome"/> to
/// the <c>DriftResponse</c> message.</summary>
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
            BaseValue = outcome.BaseValue,
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

    /// <summary>The response: model, method, space, the baseline's parameters, the row counts, the thresholds applied and
    /// every feature's drift; <c>rendered</c> is left empty for the caller to fill.</summary>
    public static Proto.DriftResponse ToResponse(DriftOutcome outcome)
    {
        var baseline = outcome.Baseline;
        var response = new Proto.DriftResponse
        {
            ModelId = baseline.Model.Id,
            ModelVersion = baseline.Model.Version,
            ModelSha256 = baseline.Model.Sha256,
            Method = baseline.Whole.Method,
            OutputSpace = baseline.Whole.OutputSpace.ToString().ToLowerInvariant(),
            Output = baseline.Whole.OutputName,
            BaselineRows = baseline.Whole.RowCount,
            CurrentRows = outcome.Current.Whole.RowCount,
            Thresholds = new Proto.DriftThresholds
            {
                Psi = outcome.Thresholds.Psi,
                RelativeMeanAbsChange = outcome.Thresholds.RelativeMeanAbsChange,
                MinimumMeanAbsShare = outcome.Thresholds.MinimumMeanAbsShare,
            },
            Flagged = outcome.Features.Count(f => f.Flagged),
        };
        foreach (var (key, value) in baseline.Parameters)
        {
            response.Parameters[key] = value;
        }

        foreach (var f in outcome.Features)
        {
            var message = new Proto.FeatureDrift
            {
                Feature = f.Feature,
                BaselineMeanAbsShap = f.BaselineMeanAbs,
                CurrentMeanAbsShap = f.CurrentMeanAbs,
                MeanAbsChange = f.MeanAbsChange,
                RelativeChange = f.RelativeChange,
                Psi = f.Psi,
                Wasserstein = f.Wasserstein,
            };
            message.Flags.Add(f.Flags);
            response.Features.Add(message);
        }

        return response;
    }

    private static Proto.GlobalSummary ToMessage(GlobalSummary summary)
    {
        var message = new Proto.GlobalSummary { Output = summary.OutputName, Rows = summary.RowCount };
        foreach (var f in summary.Features)
        {
            var feature = new Proto.FeatureSummary { Feature = f.Name, Categorical = f.Categorical, MeanAbsShap = f.MeanAbsShap, MeanShap = f.MeanShap };
            if (f.MeanAbsShapStandardError is { } standardError)
            {
                feature.MeanAbsShapStandardError = standardError;
            }

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
