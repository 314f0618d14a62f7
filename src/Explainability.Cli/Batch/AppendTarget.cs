using System.Text;

namespace Explainability.Cli.Batch;

/// <summary>
/// A text output that a batch appends to: a file opened at a given length (what an earlier, interrupted run had finished;
/// anything after it is cut off), or standard output. UTF-8 without a byte order mark, as <see cref="StreamWriter"/> writes.
/// </summary>
internal sealed class AppendTarget : IDisposable
{
    private readonly FileStream? _file;

    private AppendTarget(TextWriter writer, FileStream? file)
    {
        Writer = writer;
        _file = file;
    }

    /// <summary>Where to write.</summary>
    public TextWriter Writer { get; }

    /// <summary>Opens (or creates) <paramref name="path"/>, cut to <paramref name="length"/> bytes, for appending.</summary>
    /// <exception cref="CliException">The file is shorter than <paramref name="length"/>: it is not the one the progress
    /// file describes.</exception>
    public static AppendTarget OpenFile(string path, long length)
    {
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        try
        {
            CutTo(file, path, length);
        }
        catch
        {
            file.Dispose();
            throw;
        }

        file.Seek(length, SeekOrigin.Begin);
        return new AppendTarget(new StreamWriter(file, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16), file);
    }

    /// <summary>Cuts <paramref name="file"/> back to <paramref name="length"/> bytes, what the progress file records as finished.</summary>
    /// <exception cref="CliException">The file is shorter: it was changed after the interruption.</exception>
    public static void CutTo(FileStream file, string path, long length)
    {
        if (file.Length < length)
        {
            throw new CliException($"--resume: {path} has {file.Length} bytes, fewer than the {length} the progress file records as finished; it was changed after the interruption: start again without --resume");
        }

        file.SetLength(length);
    }

    /// <summary>Writes to <paramref name="writer"/> (standard output), which is not disposed.</summary>
    public static AppendTarget Of(TextWriter writer) => new(writer, null);

    /// <summary>Flushes to the operating system and, for a file, to the disk; returns the file's length (0 for standard output).</summary>
    public long Commit()
    {
        Writer.Flush();
        if (_file is null)
        {
            return 0;
        }

        _file.Flush(flushToDisk: true);
        return _file.Length;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_file is not null)
        {
            Writer.Dispose();
        }
        else
        {
            Writer.Flush();
        }
    }
}
