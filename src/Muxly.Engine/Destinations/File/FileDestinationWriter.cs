using System.Buffers;
using System.Text.Json.Nodes;
using Muxly.Router.Projections;
using Muxly.Router.Runs;

namespace Muxly.Destinations.Files;

/// <summary>
/// Streams one run's records into a file. Append adds to the file (or to the newest file of a size-rotated series);
/// replace writes a temporary file beside the target and renames it over the target in <see cref="Complete"/>.
/// Disposing without <see cref="Complete"/>: a replace deletes its temporary file and leaves the old file untouched; an
/// append keeps the records already written (appending is not transactional) and closes the file so that it stays
/// valid (a JSON array gets its closing bracket back).
/// </summary>
internal sealed class FileDestinationWriter : IDestinationWriter, IProjectedRecordWriter
{
    private readonly FileDestinationOptions _options;
    private readonly RunContext _context;
    private readonly RecordFileFormat _format;
    private readonly ArrayBufferWriter<byte> _encoded = new(4096);
    private readonly string _targetPath;
    private OutputFile _current;
    private int _seriesNumber;
    private int _recordsWritten;
    private bool _completed;
    private bool _disposed;

    private FileDestinationWriter(FileDestinationOptions options, RunContext context)
    {
        _options = options;
        _context = context;
        _format = RecordFileFormat.Create(options.Format, context);
        _targetPath = options.ResolvePath(context.Now, context.Parameters);
        var folder = Path.GetDirectoryName(_targetPath)!;
        EnsureFolder(folder);
        _current = OpenFirstFile(folder);
    }

    /// <summary>The file the run writes to (for replace: the file the temporary file becomes).</summary>
    public string TargetPath => _targetPath;

    public static FileDestinationWriter Open(FileDestinationOptions options, RunContext context) => new(options, context);

    public void Write(JsonObject record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Write(record, null);
    }

    public void Write(ProjectedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Write(null, record);
    }

    // One of the two is given: a record, or a projected record written straight from its parse.
    private void Write(JsonObject? record, ProjectedRecord? projected)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The file destination was already completed.");
        }

        // Not through Guarded: this runs once per record, and a closure per record costs more than the write.
        try
        {
            Encode(record, projected);
            if (_options.Rotation == FileRotation.Size && _current.Started
                && _current.Size + _encoded.WrittenCount + _format.ClosingLength > _options.MaxBytes)
            {
                Roll();
                Encode(record, projected); // the new file needs its opening (array bracket, CSV header)
            }

            _current.Write(_encoded);
            _recordsWritten++;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw WriteFailed(ex);
        }
    }

    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            return;
        }

        Guarded(() =>
        {
            _current.Finish(_format);
            _current.Dispose();
            if (_options.Mode == FileWriteMode.Replace)
            {
                // Same folder, so this is a rename: readers see the old file or the new one, never a half-written one.
                File.Move(_current.Path, _targetPath, overwrite: true);
            }
        });

        _completed = true;
        _context.Log($"Wrote {_recordsWritten} record(s) to '{(_options.Rotation == FileRotation.Size ? _current.Path : _targetPath)}'.");
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_completed)
        {
            return;
        }

        try
        {
            if (_options.Mode == FileWriteMode.Replace)
            {
                _current.Dispose();
                File.Delete(_current.Path);
            }
            else
            {
                _current.Finish(_format);
                _current.Dispose();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _current.Dispose();
            _context.Warn($"The file '{_current.Path}' could not be closed cleanly: {ex.Message}");
        }
    }

    // One of the two is given. A projected record the format cannot write from its parse is materialised and written
    // as a record, the reference way, so both ways fail alike. A record that cannot be written as text at all (a
    // string holding half a surrogate pair, escaped as \ud800 in its input) fails alone: the buffer is encoded afresh
    // for every record, so nothing of it reaches the file.
    private void Encode(JsonObject? record, ProjectedRecord? projected)
    {
        if (projected is not null)
        {
            _encoded.ResetWrittenCount();
            try
            {
                if (_format.TryEncode(projected, _current.Started, _encoded))
                {
                    return;
                }
            }
            catch (Exception ex) when (IsUnwritable(ex))
            {
                // The materialising way below meets the same text and says so.
            }

            record = projected.ToObject();
        }

        _encoded.ResetWrittenCount();
        try
        {
            _format.Encode(record!, _current.Started, _encoded);
        }
        catch (Exception ex) when (IsUnwritable(ex))
        {
            _encoded.ResetWrittenCount();
            throw new DeliveryException($"The record cannot be written as {FormatName}: {ex.Message}", [record!], ex);
        }
    }

    private string FormatName => _options.Format switch
    {
        FileOutputFormat.JsonLines => "jsonl",
        FileOutputFormat.Csv => "csv",
        _ => "json",
    };

    // What a format throws for a record it cannot write: text that is not valid UTF-16 (read from an escape, or given
    // to System.Text.Json's writer), or names repeated in a record flattened to CSV columns.
    private static bool IsUnwritable(Exception ex) => ex is InvalidOperationException or ArgumentException;

    private void Roll()
    {
        _current.Finish(_format);
        _current.Dispose();
        _seriesNumber++;
        _current = OpenAppend(FileDestinationOptions.NumberedPath(_targetPath, _seriesNumber));
        _context.Log($"Started the next file of the series, '{_current.Path}'.");
    }

    private OutputFile OpenFirstFile(string folder)
    {
        if (_options.Mode == FileWriteMode.Replace)
        {
            var temporary = Path.Combine(folder, $".{Path.GetFileName(_targetPath)}.{Guid.NewGuid():N}.tmp");
            return OpenChecked(folder, () => OutputFile.CreateNew(temporary));
        }

        if (_options.Rotation == FileRotation.Size)
        {
            // Continue in the newest file of the series; the size check on the first record moves on if it is full.
            while (File.Exists(FileDestinationOptions.NumberedPath(_targetPath, _seriesNumber + 1)))
            {
                _seriesNumber++;
            }
        }

        return OpenAppend(FileDestinationOptions.NumberedPath(_targetPath, _seriesNumber));
    }

    private OutputFile OpenAppend(string path) =>
        OpenChecked(Path.GetDirectoryName(path)!, () => OutputFile.OpenForAppend(path, _format, _context));

    private static OutputFile OpenChecked(string folder, Func<OutputFile> open)
    {
        try
        {
            return open();
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw NotWritable(folder, ex);
        }
    }

    private void EnsureFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            return;
        }

        if (!_options.CreateFolder)
        {
            throw new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyDestinationFolderNotWritable",
                $"The folder '{folder}' does not exist and create_folder is false. Nothing was written.", folder);
        }

        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException or NotSupportedException)
        {
            throw NotWritable(folder, ex);
        }
    }

    private static MuxlyException NotWritable(string folder, Exception ex) =>
        new(MuxlyErrorKind.OperationFailed, "MuxlyDestinationFolderNotWritable",
            $"Cannot write to the folder '{folder}': {ex.Message} Nothing was written.", folder, ex);

    private void Guarded(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw WriteFailed(ex);
        }
    }

    private MuxlyException WriteFailed(Exception ex) => new(MuxlyErrorKind.OperationFailed, "MuxlyDestinationWriteFailed",
        $"Writing to '{_current.Path}' failed: {ex.Message}", _current.Path, ex);
}
