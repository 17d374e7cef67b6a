using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Text.Json.Nodes;
using Muxly.Json;

namespace Muxly.PowerShell.Infrastructure;

/// <summary>
/// The edge where PowerShell values become JSON: hashtables, PSCustomObjects, JSON text, and secrets given as
/// SecureString or PSCredential (which are stored as their plain text, never echoed back).
/// </summary>
internal static class PSJson
{
    /// <summary>Converts a hashtable, object or JSON string given for <paramref name="parameterName"/> to a JSON object.</summary>
    public static JsonObject ToJsonObject(object? value, string parameterName)
    {
        var errorId = $"Muxly{parameterName}Invalid";
        value = Unwrap(value);
        switch (value)
        {
            case null:
                return new JsonObject();
            case string text:
                return JsonObjects.ParseObject(text, $"-{parameterName}", errorId);
            case IDictionary or PSObject:
                return (JsonObject)ToNode(value, parameterName)!;
            default:
                throw MuxlyException.Invalid(errorId, $"-{parameterName} takes a hashtable or a JSON object string, not {value.GetType().Name}.");
        }
    }

    /// <summary>Converts any PowerShell value to a JSON node.</summary>
    public static JsonNode? ToNode(object? value, string parameterName)
    {
        value = Unwrap(value);
        switch (value)
        {
            case null:
                return null;
            case JsonNode node:
                return node.DeepClone();
            case string text:
                return JsonValue.Create(text);
            case char c:
                return JsonValue.Create(c.ToString());
            case bool b:
                return JsonValue.Create(b);
            case SwitchParameter s:
                return JsonValue.Create(s.IsPresent);
            case SecureString secure:
                return JsonValue.Create(new NetworkCredential(string.Empty, secure).Password);
            case PSCredential credential:
                return new JsonObject
                {
                    ["username"] = credential.UserName,
                    ["password"] = credential.GetNetworkCredential().Password,
                };
            case int or long or short or byte or sbyte or uint or ushort or ulong:
                return JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case double or float or decimal:
                return JsonValue.Create(Convert.ToDecimal(value, CultureInfo.InvariantCulture));
            case DateTime dateTime:
                return JsonValue.Create(dateTime.ToString("o", CultureInfo.InvariantCulture));
            case DateTimeOffset dateTimeOffset:
                return JsonValue.Create(dateTimeOffset.ToString("o", CultureInfo.InvariantCulture));
            case Guid or Enum or TimeSpan or Uri:
                return JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture));
            case IDictionary dictionary:
            {
                var result = new JsonObject();
                // A plain hashtable enumerates in a per-process random order: sort its keys so the same script stores
                // the same JSON every time (and a re-run is recognised as no change). Ordered dictionaries keep their order.
                var entries = dictionary.Cast<DictionaryEntry>();
                if (dictionary is not System.Collections.Specialized.IOrderedDictionary)
                {
                    entries = entries.OrderBy(e => Convert.ToString(Unwrap(e.Key), CultureInfo.InvariantCulture), StringComparer.Ordinal);
                }

                foreach (var entry in entries)
                {
                    var key = Convert.ToString(Unwrap(entry.Key), CultureInfo.InvariantCulture);
                    if (string.IsNullOrEmpty(key))
                    {
                        throw MuxlyException.Invalid($"Muxly{parameterName}Invalid", $"-{parameterName} has an empty key.");
                    }

                    result[key] = ToNode(entry.Value, parameterName);
                }

                return result;
            }

            case PSObject custom:
            {
                var result = new JsonObject();
                foreach (var property in custom.Properties)
                {
                    if (property.IsGettable)
                    {
                        result[property.Name] = ToNode(property.Value, parameterName);
                    }
                }

                return result;
            }

            case IEnumerable sequence:
            {
                var array = new JsonArray();
                foreach (var item in sequence)
                {
                    array.Add(ToNode(item, parameterName));
                }

                return array;
            }

            default:
                return ToNode(PSObject.AsPSObject(value).Properties.Any() ? (object)AsCustomObject(value) : value.ToString(), parameterName);
        }
    }

    private static PSObject AsCustomObject(object value)
    {
        var custom = new PSObject();
        foreach (var property in PSObject.AsPSObject(value).Properties.Where(p => p.IsGettable))
        {
            custom.Properties.Add(new PSNoteProperty(property.Name, property.Value));
        }

        return custom;
    }

    /// <summary>Strips the PSObject wrapper off everything but a PSCustomObject, whose properties are the value.</summary>
    private static object? Unwrap(object? value)
    {
        while (value is PSObject wrapped && wrapped.BaseObject is not PSCustomObject)
        {
            value = wrapped.BaseObject;
        }

        return value;
    }
}
