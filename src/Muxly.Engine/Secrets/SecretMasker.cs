using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Muxly.Json;

namespace Muxly.Secrets;

/// <summary>
/// Decides which values in a settings object are secret, masks them for display, and keeps a stored secret when an
/// update sends the mask back (so piping <c>Get</c> into <c>Set</c> never overwrites a password with asterisks).
/// </summary>
public static partial class SecretMasker
{
    public const string Mask = "********";

    // In auth settings everything is secret except these descriptive keys.
    private static readonly HashSet<string> NonSecretAuthKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "type", "scheme", "username", "user", "in", "location", "header", "header_name", "param", "param_name",
        "query_param", "token_url", "scope", "scopes", "client_id", "region", "account", "audience",
    };

    /// <summary>True for a value that names an environment variable instead of holding a secret: shown as written.</summary>
    public static bool IsReference(string value) => ReferencePattern().IsMatch(value);

    /// <summary>Masks every secret value of an authentication object.</summary>
    public static JsonObject MaskAuth(JsonObject auth) => MaskWhere(auth, key => !NonSecretAuthKeys.Contains(key));

    /// <summary>Masks the values of secret-looking keys (password, token, secret, api key, ...) of any settings object.</summary>
    public static JsonObject MaskSecretKeys(JsonObject settings) => MaskWhere(settings, IsSecretKey);

    public static bool IsSecretKey(string key) => SecretKeyPattern().IsMatch(key);

    /// <summary>
    /// <see cref="MaskAuth(JsonObject)"/> on stored JSON text. Text with no key that could be masked is returned as it
    /// is, without building a document: listing 10,000 connectors reads each object's keys once and writes nothing.
    /// </summary>
    public static string MaskAuth(string json) => MaskText(json, IsSecretAuthKey, MaskAuth);

    /// <summary><see cref="MaskSecretKeys(JsonObject)"/> on stored JSON text; text without a secret-looking key is returned as it is.</summary>
    public static string MaskSecretKeys(string json) => MaskText(json, IsSecretKey, MaskSecretKeys);

    /// <summary>
    /// Returns <paramref name="incoming"/> with every value that is exactly the mask replaced by the stored value at the
    /// same place, so that a masked object read back and saved again keeps its secrets.
    /// </summary>
    public static JsonObject KeepMaskedValues(JsonObject incoming, JsonObject? stored)
    {
        var result = new JsonObject();
        foreach (var (key, value) in incoming)
        {
            var storedValue = stored?[key];
            if (value is JsonValue v && v.TryGetValue<string>(out var text) && text == Mask)
            {
                result[key] = storedValue?.DeepClone();
            }
            else if (value is JsonObject child)
            {
                result[key] = KeepMaskedValues(child, storedValue as JsonObject);
            }
            else if (value is JsonArray items)
            {
                result[key] = KeepMaskedItems(items, storedValue as JsonArray);
            }
            else
            {
                result[key] = value?.DeepClone();
            }
        }

        return result;
    }

    // Array elements are matched to the stored ones by position.
    private static JsonArray KeepMaskedItems(JsonArray incoming, JsonArray? stored)
    {
        var result = new JsonArray();
        for (var i = 0; i < incoming.Count; i++)
        {
            var storedItem = stored is not null && i < stored.Count ? stored[i] : null;
            result.Add(incoming[i] switch
            {
                JsonValue v when v.TryGetValue<string>(out var text) && text == Mask => storedItem?.DeepClone(),
                JsonObject child => KeepMaskedValues(child, storedItem as JsonObject),
                JsonArray nested => KeepMaskedItems(nested, storedItem as JsonArray),
                var other => other?.DeepClone(),
            });
        }

        return result;
    }

    /// <summary>Parses stored JSON that is known to be an object.</summary>
    public static JsonObject ParseObject(string json) =>
        JsonNode.Parse(json) as JsonObject ?? new JsonObject();

    private static bool IsSecretAuthKey(string key) => !NonSecretAuthKeys.Contains(key);

    // Masking changes nothing unless some key, at any depth, is secret: the keys are read straight from the UTF-8
    // text, and only text that has one is parsed, masked and written again.
    private static string MaskText(string json, Func<string, bool> isSecret, Func<JsonObject, JsonObject> mask)
    {
        if (json == "{}" || !HasKeyWhere(json, isSecret))
        {
            return json;
        }

        return mask(ParseObject(json)).ToJson();
    }

    private static bool HasKeyWhere(string json, Func<string, bool> isSecret)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && isSecret(reader.GetString()!))
            {
                return true;
            }
        }

        return false;
    }

    private static JsonObject MaskWhere(JsonObject source, Func<string, bool> isSecret)
    {
        var result = new JsonObject();
        foreach (var (key, value) in source)
        {
            result[key] = value switch
            {
                JsonObject child => MaskWhere(child, isSecret),
                JsonValue leaf when isSecret(key) => MaskLeaf(leaf),
                JsonArray array when isSecret(key) => Mask,
                JsonArray array => MaskItems(array, isSecret),
                _ => value?.DeepClone(),
            };
        }

        return result;
    }

    // Objects inside arrays (a list of servers, each with a password) are masked like any other object.
    private static JsonArray MaskItems(JsonArray source, Func<string, bool> isSecret)
    {
        var result = new JsonArray();
        foreach (var item in source)
        {
            result.Add(item switch
            {
                JsonObject child => MaskWhere(child, isSecret),
                JsonArray nested => MaskItems(nested, isSecret),
                _ => item?.DeepClone(),
            });
        }

        return result;
    }

    private static JsonNode MaskLeaf(JsonValue leaf)
    {
        if (leaf.GetValueKind() == JsonValueKind.String && IsReference(leaf.GetValue<string>()))
        {
            return leaf.DeepClone();
        }

        return leaf.GetValueKind() is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null ? leaf.DeepClone() : Mask;
    }

    [GeneratedRegex(@"^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$")]
    private static partial Regex ReferencePattern();

    [GeneratedRegex("(password|passwd|secret|token|api[_-]?key|apikey|private[_-]?key|credential|connection[_-]?string|authorization|cookie)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretKeyPattern();
}
