using System.Text.Json.Nodes;
using Explainability.Onnx.Proto;
using Google.Protobuf;

namespace Explainability.Server.Tests.HotReload;

/// <summary>
/// Model folders for hot reload tests, made from the shipped <c>models/credit-risk</c>: copies in temporary folders, and new
/// versions of it. A new version's ONNX file is the shipped one with every leaf weight of its tree ensemble multiplied by a
/// factor: the same inputs and card, other predictions and another SHA-256, so a response tells the versions apart by its
/// numbers as well as by its version and hash.
/// </summary>
internal static class ModelFolders
{
    public const string CreditRisk = "credit-risk";

    public static string Shipped(string id) => Path.Combine(ServerFixture.ModelsDirectory, id);

    /// <summary>A new temporary directory (deleted when the test process exits).</summary>
    public static string NewDirectory() => Path.GetDirectoryName(ServerFixture.NewLedgerPath())!;

    /// <summary>Copies the shipped model folder <paramref name="id"/> to <paramref name="folder"/>.</summary>
    public static string Copy(string id, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.GetFiles(Shipped(id)))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        }

        return folder;
    }

    /// <summary>The shipped credit-risk ONNX file with every leaf weight of its tree ensemble times <paramref name="factor"/>.</summary>
    public static byte[] ScaledOnnx(double factor)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(Shipped(CreditRisk), "model.onnx")));
        int scaled = 0;
        foreach (var node in model.Graph.Node.Where(n => n.OpType.StartsWith("TreeEnsemble", StringComparison.Ordinal)))
        {
            foreach (var attribute in node.Attribute.Where(a => a.Name is "class_weights" or "target_weights"))
            {
                for (int i = 0; i < attribute.Floats.Count; i++)
                {
                    attribute.Floats[i] = (float)(attribute.Floats[i] * factor);
                    scaled++;
                }
            }
        }

        return scaled > 0 ? model.ToByteArray() : throw new InvalidOperationException("the shipped credit-risk model has no tree ensemble leaf weights to scale");
    }

    /// <summary>The card of <paramref name="folder"/> with its version set to <paramref name="version"/>, as text.</summary>
    public static string CardWithVersion(string folder, string version)
    {
        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model-card.json")))!;
        card["version"] = version;
        return card.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>As an operator who knows better does it: each file written under a temporary name in the folder, then renamed
    /// over the old one (ONNX file first, then the card).</summary>
    public static void WriteByRename(string folder, byte[] onnx, string version)
    {
        string card = CardWithVersion(folder, version);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx.tmp"), onnx);
        File.Move(Path.Combine(folder, "model.onnx.tmp"), Path.Combine(folder, "model.onnx"), overwrite: true);
        File.WriteAllText(Path.Combine(folder, "model-card.json.tmp"), card);
        File.Move(Path.Combine(folder, "model-card.json.tmp"), Path.Combine(folder, "model-card.json"), overwrite: true);
    }

    /// <summary>As a plain copy over the old files does it: the ONNX file overwritten in place in four pieces with pauses
    /// between them (a slow copy), then the card.</summary>
    public static async Task WriteInPlaceAsync(string folder, byte[] onnx, string version)
    {
        string card = CardWithVersion(folder, version);
        await using (var stream = new FileStream(Path.Combine(folder, "model.onnx"), FileMode.Create, FileAccess.Write, FileShare.ReadWrite))
        {
            int piece = (onnx.Length / 4) + 1;
            for (int offset = 0; offset < onnx.Length; offset += piece)
            {
                await stream.WriteAsync(onnx.AsMemory(offset, Math.Min(piece, onnx.Length - offset)));
                await stream.FlushAsync();
                await Task.Delay(40);
            }
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "model-card.json"), card);
    }

    /// <summary>A staged copy of credit-risk at <paramref name="version"/> with <paramref name="onnx"/>, outside any watched directory.</summary>
    public static string Staged(byte[] onnx, string version)
    {
        string folder = Copy(CreditRisk, Path.Combine(NewDirectory(), CreditRisk));
        WriteByRename(folder, onnx, version);
        return folder;
    }
}
