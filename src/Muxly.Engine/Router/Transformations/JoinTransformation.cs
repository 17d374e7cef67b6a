using System.Text;
using System.Text.Json.Nodes;
using Muxly.Router.Records;

namespace Muxly.Router.Transformations;

/// <summary>
/// <c>join</c>: adds the fields of matching records of another connector. Config:
/// <code>{"connector": "crm", "on": {"customer_id": "id"}, "type": "left", "prefix": "crm_"}</code>
/// <list type="bullet">
/// <item><c>connector</c> (required): the connector whose records form the right side. It must exist when the rule is
/// saved (<c>MuxlyTransformationConnectorNotFound</c>).</item>
/// <item><c>on</c> (required): <c>{"left field": "right field", ...}</c>, or a field path or array of them named the
/// same on both sides. Keys match by equality: numbers by value (<c>7</c> = <c>7.0</c>), text exactly, and a
/// number never matches text. A record missing a key field, or with null in it, matches nothing.</item>
/// <item><c>type</c>: <c>inner</c> (default; unmatched left records are dropped), <c>left</c> (they pass on unchanged)
/// or <c>right</c> (as inner, then each right record that matched nothing is emitted after the stream, holding only its
/// prefixed fields).</item>
/// <item><c>prefix</c> (default: the connector name and <c>_</c>): put before the name of each top-level field of the
/// right record when it is added to the left one. It may be empty, in which case right fields overwrite left ones.</item>
/// </list>
/// The right side is read once, when the output is first enumerated, and hashed by key; the left side streams. A left
/// record matching several right records gives one output per match.
/// </summary>
public sealed class JoinTransformation : ITransformationType
{
    public const string ConnectorNotFoundErrorId = "MuxlyTransformationConnectorNotFound";

    public string Name => "join";

    public string Description => "Adds the fields of matching records from another connector (inner, left or right).";

    public void Validate(JsonObject config, Func<string, bool>? connectorExists = null) => Parse(config, connectorExists);

    public ITransformation Create(JsonObject config, TransformationContext context)
    {
        var settings = Parse(config, context.ConnectorExists);
        var read = context.ReadConnector ?? throw new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyTransformationJoinUnavailable",
            $"join with connector '{settings.Connector}' cannot run here: no connector records are available to it.", settings.Connector);
        return new Stage(settings, read);
    }

    private static Settings Parse(JsonObject config, Func<string, bool>? connectorExists)
    {
        var reader = new TransformationConfig("join", config, "connector", "on", "type", "prefix");
        var connector = reader.RequireString("connector", "the name of the connector to join with");
        if (connectorExists is not null && !connectorExists(connector))
        {
            throw new MuxlyException(MuxlyErrorKind.NotFound, ConnectorNotFoundErrorId,
                $"join cannot use connector '{connector}': there is no connector of that name.", connector);
        }

        var (left, right) = ParseOn(reader);
        var type = (reader.OptionalString("type", "inner, left or right") ?? "inner").Trim().ToLowerInvariant();
        if (type is not ("inner" or "left" or "right"))
        {
            throw reader.Invalid($"join 'type' '{type}' is not known; use inner, left or right.");
        }

        var prefixNode = reader.Optional("prefix");
        string prefix;
        if (prefixNode is null)
        {
            prefix = connector + "_";
        }
        else if (!JsonValues.TryGetString(prefixNode, out prefix))
        {
            throw reader.Invalid($"join 'prefix' must be text, not {TransformationConfig.KindOf(prefixNode)}.");
        }

        return new Settings(connector, left, right, type, prefix);
    }

    private static (FieldPath[] Left, FieldPath[] Right) ParseOn(TransformationConfig reader)
    {
        var on = reader.Require("on", "{\"left field\": \"right field\"} or the key fields");
        if (on is JsonObject pairs)
        {
            var left = new List<FieldPath>();
            var right = new List<FieldPath>();
            foreach (var (leftField, rightField) in pairs)
            {
                left.Add(reader.ParsePath("on", leftField));
                if (!JsonValues.TryGetString(rightField, out var rightText))
                {
                    throw reader.Invalid($"join 'on' must map '{leftField}' to a right field path (text), not {TransformationConfig.KindOf(rightField)}.");
                }

                right.Add(reader.ParsePath("on", rightText));
            }

            return left.Count > 0 ? (left.ToArray(), right.ToArray()) : throw reader.Invalid("join 'on' cannot be empty.");
        }

        if (on is null)
        {
            throw reader.Invalid("join needs 'on' ({\"left field\": \"right field\"} or the key fields), not null.");
        }

        var same = reader.PathList("on").ToArray();
        return same.Length > 0 ? (same, same) : throw reader.Invalid("join 'on' cannot be empty.");
    }

    private sealed record Settings(string Connector, FieldPath[] Left, FieldPath[] Right, string Type, string Prefix);

    private sealed class RightRecord(JsonObject record)
    {
        public JsonObject Record => record;

        public bool Matched { get; set; }
    }

    private sealed class Stage(Settings settings, Func<string, IEnumerable<JsonObject>> read) : ITransformation
    {
        private List<RightRecord>? _all;
        private Dictionary<string, List<RightRecord>>? _lookup;

        public void Push(JsonObject left, Action<JsonObject> emit)
        {
            // The right side is read once per run, when the first record arrives, and hashed by key.
            var lookup = _lookup ?? Load();
            if (KeyOf(left, settings.Left) is not { } key || !lookup.TryGetValue(key, out var matches))
            {
                if (settings.Type == "left")
                {
                    emit(left);
                }

                return;
            }

            for (var i = 0; i < matches.Count; i++)
            {
                matches[i].Matched = true;
                // Right values are copied into every output: a node can have one parent, and a right record may match many.
                var output = i == matches.Count - 1 ? left : left.DeepClone().AsObject();
                emit(AddRight(output, matches[i].Record));
            }
        }

        public void Complete(Action<JsonObject> emit)
        {
            if (settings.Type == "right")
            {
                if (_all is null)
                {
                    Load();
                }

                foreach (var right in _all!.Where(r => !r.Matched))
                {
                    emit(AddRight(new JsonObject(), right.Record));
                }
            }

            _all = null;
            _lookup = null;
        }

        private Dictionary<string, List<RightRecord>> Load()
        {
            _all = [];
            _lookup = new Dictionary<string, List<RightRecord>>(StringComparer.Ordinal);
            foreach (var record in read(settings.Connector))
            {
                var right = new RightRecord(record);
                _all.Add(right);
                if (KeyOf(record, settings.Right) is { } key)
                {
                    if (!_lookup.TryGetValue(key, out var matches))
                    {
                        _lookup.Add(key, matches = []);
                    }

                    matches.Add(right);
                }
            }

            return _lookup;
        }

        private JsonObject AddRight(JsonObject target, JsonObject right)
        {
            foreach (var (name, value) in right)
            {
                target[settings.Prefix + name] = value?.DeepClone();
            }

            return target;
        }

        /// <summary>The record's key fields as one text, or null where one is missing or null.</summary>
        private static string? KeyOf(JsonObject record, FieldPath[] fields)
        {
            if (fields.Length == 1)
            {
                return fields[0].TryGet(record, out var only) ? JsonValues.KeyOf(only) : null;
            }

            var key = new StringBuilder();
            foreach (var field in fields)
            {
                if (!field.TryGet(record, out var value) || JsonValues.KeyOf(value) is not { } part)
                {
                    return null;
                }

                key.Append(part.Length).Append(':').Append(part);
            }

            return key.ToString();
        }
    }
}
