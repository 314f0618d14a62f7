namespace Explainability.Cli.Batch;

/// <summary>What identifies an input file between a run and its resumption without reading it again: its full path, its
/// length and its last modification time (UTC). A file changed in place changes one of them.</summary>
/// <param name="Path">Full path.</param>
/// <param name="Bytes">Length in bytes.</param>
/// <param name="ModifiedUtc">Last write time, UTC.</param>
internal sealed record InputFingerprint(string Path, long Bytes, DateTime ModifiedUtc)
{
    /// <summary>The fingerprint of the file at <paramref name="path"/> now.</summary>
    public static InputFingerprint Of(string path)
    {
        var info = new FileInfo(path);
        return new InputFingerprint(info.FullName, info.Length, info.LastWriteTimeUtc);
    }
}
