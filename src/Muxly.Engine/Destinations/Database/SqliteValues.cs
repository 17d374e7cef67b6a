using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Muxly.Json;

namespace Muxly.Destinations.Databases;

/// <summary>
/// How a record's JSON values are stored: whole numbers as INTEGER, other numbers as REAL, booleans as 1/0, strings as
/// TEXT, objects and arrays as their compact JSON text, and null or a missing field as NULL.
/// </summary>
internal static class SqliteValues
{
    private static readonly object True = 1L;
    private static readonly object False = 0L;

    public static object From(JsonNode? node)
    {
        if (node is null)
        {
            return DBNull.Value;
        }

        if (node is not JsonValue value)
        {
            return node.ToJson(); // an object or array
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return value.GetValue<string>();
            case JsonValueKind.True:
                return True;
            case JsonValueKind.False:
                return False;
            case JsonValueKind.Number:
                return Number(value);
            default:
                return DBNull.Value;
        }
    }

    private static object Number(JsonValue value)
    {
        // Parsed JSON answers TryGetValue<long>/<double> directly; a value built in code holds whatever CLR number it
        // was made from, which only its own type (or its text) will give back.
        if (value.TryGetValue<long>(out var whole))
        {
            return whole;
        }

        if (value.TryGetValue<double>(out var real))
        {
            return real;
        }

        if (value.TryGetValue<int>(out var small))
        {
            return (long)small;
        }

        var text = value.ToJsonString();
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out whole)
            ? whole
            : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
