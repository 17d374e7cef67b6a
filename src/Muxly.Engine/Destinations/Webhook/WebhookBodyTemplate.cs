using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Muxly.Router.Records;

namespace Muxly.Destinations.Webhooks;

/// <summary>
/// A request body rendered per record from text with <c>{{field.path}}</c> placeholders (any path
/// <see cref="FieldPath"/> reads: <c>{{user.name}}</c>, <c>{{items[0].sku}}</c>). Compiled once per run.
/// <para>
/// A string value is inserted as its text; numbers, booleans and null as their JSON literals; objects and arrays as
/// compact JSON; a missing field as nothing. When the body is JSON (the content type is <c>application/json</c> or
/// <c>*+json</c>) a string value is escaped for use inside a JSON string, so <c>{"text":"{{message}}"}</c> stays valid
/// whatever the message holds; the quotes around it are the template's.
/// </para>
/// </summary>
public sealed partial class WebhookBodyTemplate
{
    private readonly (string Literal, FieldPath? Field)[] _parts;

    private WebhookBodyTemplate(string text, (string, FieldPath?)[] parts)
    {
        Text = text;
        _parts = parts;
    }

    public string Text { get; }

    internal static WebhookBodyTemplate Parse(string text, DestinationConfigReader reader)
    {
        var parts = new List<(string, FieldPath?)>();
        var last = 0;
        foreach (Match match in Placeholder().Matches(text))
        {
            parts.Add((text[last..match.Index], null));
            var path = match.Groups["path"].Value.Trim();
            try
            {
                parts.Add(("", FieldPath.Parse(path)));
            }
            catch (MuxlyException ex)
            {
                throw reader.Invalid("body_template", $"'body_template' has a placeholder that is not a field path: {ex.Message}");
            }

            last = match.Index + match.Length;
        }

        parts.Add((text[last..], null));
        return new WebhookBodyTemplate(text, parts.Where(p => p.Item1.Length > 0 || p.Item2 is not null).ToArray());
    }

    public string Render(JsonObject record, bool jsonBody)
    {
        var text = new StringBuilder(Text.Length + 64);
        foreach (var (literal, field) in _parts)
        {
            if (field is null)
            {
                text.Append(literal);
            }
            else if (field.TryGet(record, out var value))
            {
                text.Append(ValueText(value, jsonBody));
            }
        }

        return text.ToString();
    }

    internal static bool IsJsonMediaType(string contentType)
    {
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static string ValueText(JsonNode? value, bool jsonBody)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            var s = v.GetValue<string>();
            return jsonBody ? JsonEncodedText.Encode(s, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value : s;
        }

        return value is null ? "null" : value.ToJsonString();
    }

    [GeneratedRegex(@"\{\{(?<path>.*?)\}\}", RegexOptions.Singleline)]
    private static partial Regex Placeholder();
}
