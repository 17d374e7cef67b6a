using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Muxly.Router.Records;

/// <summary>
/// Expands SPEC §4's dynamic values in settings, paths and templates at run time: <c>${DATE}</c> (yyyy-MM-dd),
/// <c>${YESTERDAY}</c>, <c>${TIMESTAMP}</c> (yyyyMMddTHHmmss), <c>${YEAR}</c>, <c>${MONTH}</c>, <c>${DAY}</c>,
/// <c>${HOUR}</c>, <c>${env:NAME}</c>, and a job run's parameters as <c>${param:NAME}</c>. Dates are in the local time
/// of the run's clock. An environment variable or parameter that is not set is an error naming it, never a silent
/// empty string.
/// </summary>
public static partial class DynamicValues
{
    /// <summary>Expands with a run's clock and parameters.</summary>
    public static string Expand(string text, Runs.RunContext context) => Expand(text, context.Now, context.Parameters);

    /// <summary>A deep copy of <paramref name="settings"/> with every string expanded with a run's clock and parameters.</summary>
    public static JsonObject ExpandAll(JsonObject settings, Runs.RunContext context) => ExpandAll(settings, context.Now, context.Parameters);

    public static string Expand(string text, DateTimeOffset now, IReadOnlyDictionary<string, string>? parameters = null)
    {
        if (!text.Contains("${", StringComparison.Ordinal))
        {
            return text;
        }

        return Placeholder().Replace(text, match =>
        {
            var name = match.Groups["name"].Value;
            if (name.StartsWith("param:", StringComparison.OrdinalIgnoreCase))
            {
                var parameter = name[6..];
                return parameters is not null && parameters.TryGetValue(parameter, out var value) ? value : throw new MuxlyException(MuxlyErrorKind.InvalidData, "MuxlyParameterMissing",
                    $"The parameter '{parameter}' referenced as ${{param:{parameter}}} was not given to this run (Start-MuxlyJob -Parameters, or the job's parameters).", parameter);
            }

            if (name.StartsWith("env:", StringComparison.OrdinalIgnoreCase))
            {
                var variable = name[4..];
                return Environment.GetEnvironmentVariable(variable) ?? throw new MuxlyException(MuxlyErrorKind.InvalidData, "MuxlyEnvironmentVariableMissing",
                    $"The environment variable '{variable}' referenced as ${{env:{variable}}} is not set.", variable);
            }

            return name.ToUpperInvariant() switch
            {
                "DATE" => now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                "YESTERDAY" => now.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                "TIMESTAMP" => now.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture),
                "YEAR" => now.ToString("yyyy", CultureInfo.InvariantCulture),
                "MONTH" => now.ToString("MM", CultureInfo.InvariantCulture),
                "DAY" => now.ToString("dd", CultureInfo.InvariantCulture),
                "HOUR" => now.ToString("HH", CultureInfo.InvariantCulture),
                _ => match.Value, // not ours: left as written (it may be a template of another kind)
            };
        });
    }

    /// <summary>A deep copy of <paramref name="settings"/> with every string value expanded.</summary>
    public static JsonObject ExpandAll(JsonObject settings, DateTimeOffset now, IReadOnlyDictionary<string, string>? parameters = null) =>
        (JsonObject)ExpandNode(settings, now, parameters)!;

    private static JsonNode? ExpandNode(JsonNode? node, DateTimeOffset now, IReadOnlyDictionary<string, string>? parameters) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, ExpandNode(p.Value, now, parameters)))),
        JsonArray array => new JsonArray(array.Select(item => ExpandNode(item, now, parameters)).ToArray()),
        JsonValue value when value.TryGetValue<string>(out var text) => JsonValue.Create(Expand(text, now, parameters)),
        _ => node?.DeepClone(),
    };

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z]+|env:[A-Za-z_][A-Za-z0-9_]*|param:[A-Za-z_][A-Za-z0-9_.-]*)\}")]
    private static partial Regex Placeholder();
}
