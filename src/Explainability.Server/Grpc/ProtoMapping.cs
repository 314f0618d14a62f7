using System.Globalization;
using System.Text;
using Explainability.Protos;
using Explainability.Server.Explaining;
using Explainability.Server.Models;
using Explainability.Views.Omissions;
using CoreOmissionEntry = Explainability.Views.Omissions.OmissionEntry;
using ProtoAudienceView = Explainability.Protos.AudienceView;
using ProtoOmissionEntry = Explainability.Protos.OmissionEntry;

namespace Explainability.Server.Grpc;

/// <summary>Maps models, explanations and rendered views to the messages of <c>protos/explainability.proto</c>. Pure functions.</summary>
public static class ProtoMapping
{
    /// <summary>The description of <paramref name="model"/>: card, outputs, explainers, background size, version and hash.</summary>
    public static ModelInfo ToModelInfo(LoadedModel model)
    {
        var card = model.Card;
        var info = new ModelInfo
        {
            Id = model.Id,
            Version = model.Version,
            Description = card.Description,
            Sha256 = model.Sha256,
            OutputDescription = card.Output.Description,
            BackgroundRows = model.Background?.RowCount ?? 0,
            Owner = card.Owner,
            PositiveClass = card.Output.PositiveClass ?? "",
            DecisionThreshold = card.Output.DecisionThreshold,
            DataLicence = card.DataLicence,
        };
        info.Outputs.Add(model.OutputNames);
        info.Explainers.Add(model.Explainers);
        info.OffsetInputs.Add(model.Onnx.OffsetColumnNames);
        foreach (var f in card.Features)
        {
            var feature = new FeatureInfo
            {
                Name = f.Name,
                DisplayName = f.DisplayName.GetValueOrDefault("en") ?? f.Name,
                Description = f.Description,
                Unit = f.Unit,
                Type = f.Type,
                Group = f.Group,
                ActionableDirection = f.ActionableDirection ?? "",
            };
            feature.Tags.Add(f.Tags);
            AddAll(feature.DisplayNames, f.DisplayName);
            if (f.Categories is not null)
            {
                feature.Categories.Add(f.Categories.Keys);
                AddAll(feature.CategoryLabels, f.Categories);
            }

            info.Features.Add(feature);
        }

        return info;
    }

    /// <summary>Row <paramref name="row"/> of <paramref name="outcome"/> in full (base values, outputs, residuals, per-row
    /// offsets when the model has them, and phi per output <c>[features][outputs]</c>), with the rendered
    /// <paramref name="views"/> of that row.</summary>
    public static RowExplanation ToRowExplanation(ExplainOutcome outcome, int row, IEnumerable<RenderedView> views, bool withStandardErrors = false)
    {
        var e = outcome.Explanation;
        var result = new RowExplanation { Row = row };
        result.Outputs.Add(e.OutputNames);
        for (int o = 0; o < e.OutputCount; o++)
        {
            result.BaseValues.Add(e.Base(row, o));
            result.ModelOutputs.Add(e.Output(row, o));
            result.AdditivityResiduals.Add(e.AdditivityResiduals[(row * e.OutputCount) + o]);
            if (e.Offsets is not null)
            {
                result.Offsets.Add(e.Offset(row, o));
            }
        }

        for (int f = 0; f < e.FeatureCount; f++)
        {
            var attribution = new Attribution { Feature = e.FeatureNames[f] };
            for (int o = 0; o < e.OutputCount; o++)
            {
                attribution.Phi.Add(e.Phi(row, f, o));
                if (withStandardErrors && e.StandardErrors is { } se)
                {
                    attribution.StandardErrors.Add(se[(((row * e.FeatureCount) + f) * e.OutputCount) + o]);
                }
            }

            result.Attributions.Add(attribution);
        }

        result.Views.Add(views.Select(ToAudienceView));
        return result;
    }

    /// <summary>A rendered view with the audience's own omission record (hidden feature names withheld, as in the text).</summary>
    public static ProtoAudienceView ToAudienceView(RenderedView view)
    {
        var record = view.View.Omissions;
        var result = new ProtoAudienceView
        {
            Audience = view.Audience,
            Format = view.Format,
            Rendered = view.Rendered,
            Language = view.View.Language,
            ShareOfAbsPhiNotShown = record.ShareOfAbsPhiNotShown,
            UnexplainedUnit = record.Unit,
        };
        if (record.UnexplainedPart is double unexplained)
        {
            result.UnexplainedPart = unexplained;
        }

        result.Omissions.Add(record.Entries.Select(ToOmissionEntry));
        result.Alerts.Add(view.View.Alerts.Select(ToAlert));
        return result;
    }

    /// <summary>A governance alert as the view holds it (features hidden from the audience already withheld).</summary>
    public static Protos.GovernanceAlert ToAlert(Views.GovernanceAlert alert)
    {
        var result = new Protos.GovernanceAlert
        {
            Kind = alert.Kind,
            WithheldFeatureCount = alert.WithheldFeatureCount,
            Rule = alert.Rule,
            Message = alert.Message,
        };
        result.Features.Add(alert.Features);
        result.FeatureLabels.Add(alert.FeatureLabels);
        if (alert.Share is double share)
        {
            result.Share = share;
        }

        if (alert.Threshold is double threshold)
        {
            result.Threshold = threshold;
        }

        return result;
    }

    /// <summary>One omission entry: kind in kebab-case as templates see it, the main measured loss, every measure, and a sentence.</summary>
    public static ProtoOmissionEntry ToOmissionEntry(CoreOmissionEntry entry)
    {
        var measures = new List<(string Name, double? Value)>
        {
            ("share_of_abs_phi", entry.ShareOfAbsPhi),
            ("cancelled_share_of_abs_phi", entry.CancelledShareOfAbsPhi),
            ("max_rounding_error", entry.MaxRoundingError),
            ("max_method_disagreement", entry.MaxMethodDisagreement),
            ("max_standard_error", entry.MaxStandardError),
            ("unexplained_part", entry.UnexplainedPart),
            ("hidden_among_top", entry.HiddenAmongTop),
            ("scale_factor", entry.ScaleFactor),
        };
        var main = measures.Take(6).FirstOrDefault(m => m.Value is not null);
        var result = new ProtoOmissionEntry
        {
            Kind = Kebab(entry.Kind),
            Rule = entry.Rule,
            LossMeasure = main.Name ?? "none",
            Loss = main.Value ?? 0,
            WithheldFeatureCount = entry.WithheldFeatureCount,
            Unit = entry.Unit,
        };
        result.Fields.Add(entry.Fields);
        result.Features.Add(entry.Features);
        result.FeatureLabels.Add(entry.FeatureLabels);
        foreach (var (name, value) in measures)
        {
            if (value is double v)
            {
                result.Measures[name] = v;
            }
        }

        result.Description = Describe(entry, result.Kind, main.Name, main.Value);
        return result;
    }

    /// <summary>Copies <paramref name="source"/> into the proto map <paramref name="target"/>.</summary>
    public static void AddAll(Google.Protobuf.Collections.MapField<string, string> target, IReadOnlyDictionary<string, string> source)
    {
        foreach (var (key, value) in source)
        {
            target[key] = value;
        }
    }

    private static string Describe(CoreOmissionEntry entry, string kind, string? measure, double? loss)
    {
        var text = new StringBuilder(kind switch
        {
            "hidden-tagged" => "features hidden because of their tags",
            "grouped" => "features summed into their groups",
            "not-in-top-k" => "features outside the top items",
            "scale-changed" => "values moved from the margin to probability points",
            "rounded" => "values rounded",
            "score-hidden" => "model score and decision threshold not shown",
            "base-value-dropped" => "base value not shown",
            "values-hidden" => "attribution amounts not shown, only direction",
            "technical-details-dropped" => "method, parameters and additivity residual not shown",
            "uncertainty-dropped" => "standard errors not shown",
            _ => kind,
        });
        var named = entry.FeatureLabels.Count > 0 ? entry.FeatureLabels : entry.Features;
        if (named.Count > 0)
        {
            text.Append(": ").AppendJoin(", ", named);
        }

        if (entry.WithheldFeatureCount > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(named.Count > 0 ? " and" : ":")} {entry.WithheldFeatureCount} feature(s) not named to this audience");
        }

        text.Append(CultureInfo.InvariantCulture, $" (rule: {entry.Rule})");
        if (measure is not null && loss is double value)
        {
            string amount = measure.Contains("share", StringComparison.Ordinal)
                ? value.ToString("P1", CultureInfo.InvariantCulture) + " of total |phi|"
                : value.ToString("G4", CultureInfo.InvariantCulture) + (entry.Unit.Length > 0 ? " " + entry.Unit : "");
            text.Append(CultureInfo.InvariantCulture, $"; {measure.Replace('_', ' ')}: {amount}");
        }

        return text.Append('.').ToString();
    }

    private static string Kebab(OmissionKind kind)
    {
        string name = kind.ToString();
        var text = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    /// <summary>The metrics and pairwise agreement of <paramref name="comparison"/> of <paramref name="model"/> (no report).</summary>
    public static CompareResponse ToCompareResponse(Core.Comparison.TechniqueComparison comparison, LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentNullException.ThrowIfNull(model);
        var response = new CompareResponse
        {
            ModelId = model.Id,
            ModelVersion = model.Version,
            ModelSha256 = model.Sha256,
            OutputSpace = comparison.OutputSpace.ToString().ToLowerInvariant(),
            Reference = comparison.Reference ?? "",
            TopK = comparison.TopK,
            RowCount = comparison.RowCount,
        };
        response.FeatureNames.Add(comparison.FeatureNames);
        response.OutputNames.Add(comparison.OutputNames);
        foreach (var t in comparison.Techniques)
        {
            var m = new TechniqueMetricsMessage
            {
                Name = t.Name,
                Method = t.Method,
                IsReference = t.IsReference,
                WallTimeMs = t.WallTime.TotalMilliseconds,
                ModelEvaluations = t.ModelEvaluations,
                MaxAbsAdditivityResidual = t.MaxAbsAdditivityResidual,
            };
            AddAll(m.Parameters, t.Parameters);
            m.MeanAbsPhi.Add(t.MeanAbsPhi);
            if (t.MeanStandardError is { } meanSe)
            {
                m.MeanStandardError = meanSe;
            }

            if (t.MaxStandardError is { } maxSe)
            {
                m.MaxStandardError = maxSe;
            }

            if (t.MaxAbsDeltaPhi is { } maxDelta)
            {
                m.MaxAbsDeltaPhi = maxDelta;
            }

            if (t.MeanAbsDeltaPhi is { } meanDelta)
            {
                m.MeanAbsDeltaPhi = meanDelta;
            }

            response.Techniques.Add(m);
        }

        foreach (var p in comparison.Pairs)
        {
            var pair = new PairwiseAgreementMessage
            {
                A = p.A,
                B = p.B,
                SpearmanUndefinedCount = p.SpearmanUndefinedCount,
                MeanTopKOverlap = p.MeanTopKOverlap,
                MinTopKOverlap = p.MinTopKOverlap,
            };
            if (p.MeanSpearman is { } mean)
            {
                pair.MeanSpearman = mean;
            }

            if (p.MinSpearman is { } min)
            {
                pair.MinSpearman = min;
            }

            response.Pairs.Add(pair);
        }

        return response;
    }
}
