using System.Text.Json.Nodes;
using Muxly.Router.Records;

namespace Muxly.Connectors.Files;

/// <summary>The connection settings of a <c>file</c> connector, checked and parsed once per run.</summary>
internal sealed record FileConnectorOptions(
    FilePathPattern Path,
    string Format,
    FieldPath? RecordsPath,
    char Delimiter,
    bool Header,
    bool InferTypes)
{
    public const string Json = "json";
    public const string JsonLines = "jsonl";
    public const string Csv = "csv";

    /// <summary>Parses the settings; at save time (<paramref name="atSave"/>) values holding <c>${...}</c> are accepted unchecked.</summary>
    public static FileConnectorOptions Parse(JsonObject connection, bool atSave)
    {
        var reader = new SettingReader(connection, "connection", atSave);
        var pathText = reader.RequiredString("path");
        var pathDeferred = reader.IsDeferred("path");

        var format = reader.IsDeferred("format") ? null : reader.OptionalString("format");
        if (!string.IsNullOrWhiteSpace(format))
        {
            format = reader.Choice("format", Json, Json, JsonLines, Csv);
        }
        else
        {
            format = InferFormat(pathText);
            if (format is null && !pathDeferred)
            {
                throw reader.Invalid("format", $"is required: the format cannot be inferred from '{System.IO.Path.GetFileName(pathText)}'. Use json, jsonl or csv.");
            }
        }

        var recordsPath = reader.OptionalPath("records_path");
        if (recordsPath is not null && format is not null and not Json)
        {
            throw reader.Invalid("records_path", $"applies only to the json format, not {format}.");
        }

        var isTsv = pathText.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase);
        var delimiterText = reader.IsDeferred("delimiter") ? null : reader.OptionalString("delimiter");
        var delimiter = isTsv ? '\t' : ',';
        if (delimiterText is not null)
        {
            delimiter = delimiterText switch
            {
                { Length: 1 } => delimiterText[0],
                _ when delimiterText.Equals("tab", StringComparison.OrdinalIgnoreCase) || delimiterText == "\\t" => '\t',
                _ => throw reader.Invalid("delimiter", $"must be one character (or 'tab'), not '{delimiterText}'."),
            };
            if (delimiter is '"' or '\r' or '\n')
            {
                throw reader.Invalid("delimiter", "cannot be a double quote or a line break.");
            }
        }

        var header = reader.Bool("header", true);
        var inferTypes = reader.Bool("infer_types", false);

        var path = FilePathPattern.Parse(pathText, reader);
        return new FileConnectorOptions(path, format ?? Json, recordsPath, delimiter, header, inferTypes);
    }

    private static string? InferFormat(string path)
    {
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".json" => Json,
            ".jsonl" or ".ndjson" => JsonLines,
            ".csv" or ".tsv" => Csv,
            _ => null,
        };
    }
}
