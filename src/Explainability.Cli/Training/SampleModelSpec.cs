using Explainability.Views.ModelCards;

namespace Explainability.Cli.Training;

/// <summary>
/// Everything that defines one shipped sample model apart from the training code: its model card (features in
/// input order, output), where its data comes from, how the label is derived and the licence note of the data.
/// </summary>
/// <param name="Card">The model card written beside the model; its feature list is the model's raw input, in order.</param>
/// <param name="LabelColumn">The source column holding the target, e.g. <c>class</c>.</param>
/// <param name="PositiveLabelValue">The raw label value that is the positive class (label true), e.g. <c>no</c>.</param>
/// <param name="NegativeLabelValue">The raw label value that is the negative class (label false).</param>
/// <param name="DataLicenceMarkdown">The full text of <c>LICENSE-DATA.md</c>: provenance and licence of the data.</param>
/// <param name="Summary">One paragraph for the README: what the model predicts and from what.</param>
internal sealed record SampleModelSpec(
    ModelCard Card,
    string LabelColumn,
    string PositiveLabelValue,
    string NegativeLabelValue,
    string DataLicenceMarkdown,
    string Summary)
{
    /// <summary>The model id, also the folder name under <c>models/</c>.</summary>
    public string Id => Card.Id;

    /// <summary>The name of the training data file inside the model folder.</summary>
    public const string TrainingDataFile = "training-data.csv";

    /// <summary>The name of the labelled reference set inside the model folder.</summary>
    public const string ReferenceFile = "reference.csv";

    /// <summary>What the reference rows are, as the card says it.</summary>
    public const string ReferenceDescription = "Labelled rows of the training data that are not in the background sample, drawn with a fixed seed "
        + "and kept in source order. The shipped model was trained on all rows, these included, so they are past cases it has seen, "
        + "not an unseen test set.";
}
