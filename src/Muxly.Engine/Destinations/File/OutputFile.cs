using System.Buffers;
using Muxly.Router.Runs;

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

    // How long an append waits for another run writing the same file before it gives up.
    internal static TimeSpan AppendWaitLimit { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Opens (or creates) a file to add to, after checking that its existing content is of the format. The file is
    /// held exclusively until the run completes: two runs appending to one file (two schedulers, a webhook burst)
    /// take turns instead of writing over each other's records, the later one waiting for the earlier (logged once;
    /// at most <see cref="AppendWaitLimit"/>, and no longer than the run may go on).
    /// </summary>
    public static OutputFile OpenForAppend(string path, RecordFileFormat format, RunContext context)
    {
        var stream = OpenExclusive(path, context);
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

    private static FileStream OpenExclusive(string path, RunContext context)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, BufferSize);
            }
            catch (IOException ex) when (IsInUse(ex) && waited.Elapsed < AppendWaitLimit)
            {
                if (delay == TimeSpan.FromMilliseconds(10))
                {
                    context.Log($"'{path}' is being written by another run; waiting for it to finish.");
                }

                if (context.Cancellation.WaitHandle.WaitOne(delay))
                {
                    context.Cancellation.ThrowIfCancellationRequested();
                }

                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
            }
        }
    }

    // Windows reports ERROR_SHARING_VIOLATION; on Unix .NET takes an flock and reports its EWOULDBLOCK (11 on Linux,
    // 35 on macOS) with the same "being used by another process" message.
    private static bool IsInUse(IOException ex) =>
        ex.HResult == unchecked((int)0x80070020) || (!OperatingSystem.IsWindows() && ex.HResult == (OperatingSystem.IsLinux() ? 11 : 35));

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
