using System.Buffers;

namespace Muxly.Destinations.Files;

/// <summary>
/// One file being written through a buffered stream. An existing file is not touched until the first record arrives,
/// so a run that writes nothing leaves it byte for byte as it was.
/// </summary>
internal sealed class OutputFile : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly FileStream _stream;
    private readonly AppendPosition _position;
    private bool _touched;

    private OutputFile(string path, FileStream stream, AppendPosition position)
    {
        Path = path;
        _stream = stream;
        _position = position;
        Started = position.Started;
    }

    public string Path { get; }

    /// <summary>True once the file has its opening (an array's bracket, a CSV header) and at least one record or an existing one.</summary>
    public bool Started { get; private set; }

    public int RecordsWritten { get; private set; }

    /// <summary>The file's size as it stands (what is buffered included).</summary>
    public long Size => _touched ? _stream.Position : _stream.Length;

    /// <summary>Opens (or creates) a file to add to, after checking that its existing content is of the format.</summary>
    public static OutputFile OpenForAppend(string path, RecordFileFormat format)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, BufferSize);
        try
        {
            var position = stream.Length == 0 ? AppendPosition.Empty : format.InspectForAppend(stream, path);
            return new OutputFile(path, stream, position);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Creates a file that must not exist yet (the temporary file of a replace).</summary>
    public static OutputFile CreateNew(string path) =>
        new(path, new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, BufferSize), AppendPosition.Empty);

    public void Write(ArrayBufferWriter<byte> encoded)
    {
        Touch();
        _stream.Write(encoded.WrittenSpan);
        Started = true;
        RecordsWritten++;
    }

    /// <summary>
    /// Writes the format's ending where it belongs, cuts anything after it (an old closing bracket) and flushes to
    /// disk. A file that already had its opening and got no record is left as it was.
    /// </summary>
    public void Finish(RecordFileFormat format)
    {
        if (_touched || !Started)
        {
            var ending = new ArrayBufferWriter<byte>(16);
            format.EncodeEnd(Started, ending);
            Touch();
            _stream.Write(ending.WrittenSpan);
            _stream.SetLength(_stream.Position);
        }

        _stream.Flush(flushToDisk: true);
    }

    public void Dispose() => _stream.Dispose();

    private void Touch()
    {
        if (_touched)
        {
            return;
        }

        _stream.Seek(_position.Offset, SeekOrigin.Begin);
        _stream.Write(_position.Prefix);
        _touched = true;
    }
}
