using System.Globalization;
using System.Text.Json.Nodes;

// The namespace is Files, not File: a namespace called File would hide System.IO.File from all of Muxly.Destinations.
namespace Muxly.Destinations.Files;

public enum FileOutputFormat
{
    Json,
    JsonLines,
    Csv,
}

public enum FileWriteMode
{
    Append,
    Replace,
}

public enum FileRotation
{
    None,
    Daily,
    Hourly,
    Size,
}

/// <summary>
/// A <c>file</c> destination's config, checked. The same parse serves Validate (when saved) and Open (per run).
/// Keys: <c>path</c> (required; dynamic values expanded with the run's clock; relative to the current folder),
/// <c>format</c> (json | jsonl | csv; default from the extension: .json, .jsonl/.ndjson, .csv), <c>mode</c>
/// (append | replace; default append), <c>rotation</c> (none | daily | hourly | size; default none), <c>max_bytes</c>
/// (whole number ≥ 1; required with, and only with, rotation size), <c>create_folder</c> (default true).
/// Any other key is refused.
/// </summary>
public sealed class FileDestinationOptions
{
    internal static readonly string[] Keys = ["path", "format", "mode", "rotation", "max_bytes", "create_folder"];

    private FileDestinationOptions(string path, FileOutputFormat format, FileWriteMode mode, FileRotation rotation, long maxBytes, bool createFolder)
    {
        Path = path;
        Format = format;
        Mode = mode;
        Rotation = rotation;
        MaxBytes = maxBytes;
        CreateFolder = createFolder;
    }

    /// <summary>The path template as configured (dynamic values not yet expanded).</summary>
    public string Path { get; }

    public FileOutputFormat Format { get; }

    public FileWriteMode Mode { get; }

    public FileRotation Rotation { get; }

    /// <summary>With <see cref="FileRotation.Size"/>: the size a file may reach before the next numbered file starts; else 0.</summary>
    public long MaxBytes { get; }

    public bool CreateFolder { get; }

    public static FileDestinationOptions Parse(JsonObject? config)
    {
        var reader = new DestinationConfigReader(config, "file", Keys);
        var path = reader.RequiredString("path");
        if (path.EndsWith('/') || path.EndsWith('\\'))
        {
            throw reader.Invalid("path", $"'path' must name a file, not a folder: '{path}'.");
        }

        var format = reader.Has("format")
            ? ParseFormat(reader.Choice("format", null, "json", "jsonl", "csv"))
            : FormatFromExtension(path) ?? throw reader.Invalid("format",
                $"The file destination cannot tell the format from the path '{path}': set 'format' to json, jsonl or csv (or end the path in .json, .jsonl, .ndjson or .csv).");

        var mode = reader.Choice("mode", "append", "append", "replace") == "replace" ? FileWriteMode.Replace : FileWriteMode.Append;
        var rotation = reader.Choice("rotation", "none", "none", "daily", "hourly", "size") switch
        {
            "daily" => FileRotation.Daily,
            "hourly" => FileRotation.Hourly,
            "size" => FileRotation.Size,
            _ => FileRotation.None,
        };

        var maxBytes = reader.OptionalInteger("max_bytes", 1);
        if (rotation == FileRotation.Size)
        {
            if (maxBytes is null)
            {
                throw reader.Invalid("max_bytes", "Rotation 'size' needs 'max_bytes': the size in bytes at which the next numbered file starts.");
            }

            if (mode == FileWriteMode.Replace)
            {
                throw reader.Invalid("mode", "'mode' must be 'append' with rotation 'size': a numbered series of files cannot be replaced atomically.");
            }
        }
        else if (maxBytes is not null)
        {
            throw reader.Invalid("max_bytes", "'max_bytes' applies only with rotation 'size'.");
        }

        var createFolder = reader.OptionalBoolean("create_folder", true);
        return new FileDestinationOptions(path, format, mode, rotation, maxBytes ?? 0, createFolder);
    }

    /// <summary>
    /// The file this run starts writing to: the template expanded with the run's clock, then the rotation's date or
    /// hour inserted before the extension (<c>out-2026-11-24.jsonl</c>, <c>out-2026-11-24T13.jsonl</c>). A run that
    /// crosses midnight stays in the file it opened. Size rotation numbers files separately (see <see cref="NumberedPath"/>).
    /// </summary>
    public string ResolvePath(DateTimeOffset now, IReadOnlyDictionary<string, string>? parameters = null)
    {
        var expanded = System.IO.Path.GetFullPath(Router.Records.DynamicValues.Expand(Path, now, parameters));
        return Rotation switch
        {
            FileRotation.Daily => InsertBeforeExtension(expanded, "-" + now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            FileRotation.Hourly => InsertBeforeExtension(expanded, "-" + now.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture)),
            _ => expanded,
        };
    }

    /// <summary>The size-rotation series: number 0 is the path itself, then <c>out.1.jsonl</c>, <c>out.2.jsonl</c>, ...</summary>
    public static string NumberedPath(string path, int number) =>
        number == 0 ? path : InsertBeforeExtension(path, "." + number.ToString(CultureInfo.InvariantCulture));

    private static string InsertBeforeExtension(string path, string suffix)
    {
        var extension = System.IO.Path.GetExtension(path);
        return path[..^extension.Length] + suffix + extension;
    }

    private static FileOutputFormat ParseFormat(string name) => name switch
    {
        "json" => FileOutputFormat.Json,
        "csv" => FileOutputFormat.Csv,
        _ => FileOutputFormat.JsonLines,
    };

    private static FileOutputFormat? FormatFromExtension(string path) =>
        System.IO.Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".json" => FileOutputFormat.Json,
            ".jsonl" or ".ndjson" => FileOutputFormat.JsonLines,
            ".csv" => FileOutputFormat.Csv,
            _ => null,
        };
}
