using System.Text.Json.Nodes;
using Muxly.Router.Records;

namespace Muxly.Router.Transformations;

/// <summary>
/// <c>aggregate</c>: groups all records and emits one record per group, in order of each group's first record. Config:
/// <code>{"group_by": ["region", "product.sku"],
///  "aggregations": [{"field": "amount", "function": "sum", "as": "total"}, {"function": "count"}]}</code>
/// <list type="bullet">
/// <item><c>group_by</c> (optional, a field path or an array of them): without it all records form one group (and no
/// input gives no output). Values group by equality (<c>1</c> and <c>1.0</c> together); a missing field groups with
/// null. Each output record has the group fields at their paths.</item>
/// <item><c>aggregations</c>: objects with <c>function</c> (<c>sum count avg min max</c>), <c>field</c> (required except
/// for <c>count</c>) and <c>as</c> (the output path; default <c>function_field</c>, e.g. <c>sum_amount</c>, or
/// <c>count</c>). May be empty only where <c>group_by</c> is given (the distinct groups).</item>
/// <item><c>sum</c> and <c>avg</c> read numbers (and text that is a number), skipping other values with one warning
/// per aggregation; <c>sum</c> of nothing is 0, <c>avg</c> of nothing is null. <c>count</c> without a field counts
/// records, with a field the records where it is present and not null. <c>min</c>/<c>max</c> order numbers (and
/// numeric text) numerically, then other text ordinally after all numbers; other values are skipped; of nothing they
/// give null.</item>
/// </list>
/// This is the one transformation that reads all of its input before giving output.
/// </summary>
public sealed class AggregateTransformation : ITransformationType
{
    private static readonly string[] Functions = ["sum", "count", "avg", "min", "max"];

    public string Name => "aggregate";

    public string Description => "Groups records and computes sum, count, avg, min and max per group.";

    public void Validate(JsonObject config, Func<string, bool>? connectorExists = null) => Parse(config);

    public ITransformation Create(JsonObject config, TransformationContext context)
    {
        var (groupBy, aggregations) = Parse(config);
        return new Stage(groupBy, aggregations, context);
    }

    private (IReadOnlyList<FieldPath> GroupBy, Aggregation[] Aggregations) Parse(JsonObject config)
    {
        var reader = new TransformationConfig(Name, config, "group_by", "aggregations");
        var groupBy = reader.PathList("group_by");
        var list = reader.Optional("aggregations");
        if (list is null && !reader.Has("aggregations"))
        {
            throw reader.Invalid("aggregate needs 'aggregations' (an array of {\"field\", \"function\", \"as\"}).");
        }

        if (list is not JsonArray array)
        {
            throw reader.Invalid($"aggregate 'aggregations' must be an array, not {TransformationConfig.KindOf(list)}.");
        }

        if (array.Count == 0 && groupBy.Count == 0)
        {
            throw reader.Invalid("aggregate 'aggregations' cannot be empty unless 'group_by' is given.");
        }

        var aggregations = new Aggregation[array.Count];
        var outputs = new HashSet<string>(groupBy.Select(path => path.Text), StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            var where = $"aggregations[{i}]";
            if (array[i] is not JsonObject item)
            {
                throw reader.Invalid($"aggregate '{where}' must be an object, not {TransformationConfig.KindOf(array[i])}.");
            }

            var itemReader = new TransformationConfig($"aggregate '{where}'", item, "field", "function", "as");
            var function = itemReader.RequireString("function", string.Join(", ", Functions)).Trim().ToLowerInvariant();
            if (Array.IndexOf(Functions, function) < 0)
            {
                throw reader.Invalid($"aggregate '{where}' function '{function}' is not known. Functions: {string.Join(", ", Functions)}.");
            }

            var field = function == "count" ? itemReader.OptionalPath("field") : itemReader.RequirePath("field");
            var output = itemReader.OptionalPath("as")
                ?? itemReader.ParsePath("as", field is null ? "count" : $"{function}_{DefaultName(field)}");
            if (!outputs.Add(output.Text))
            {
                throw reader.Invalid($"aggregate writes '{output}' twice; give '{where}' another 'as'.");
            }

            aggregations[i] = new Aggregation(function, field, output);
        }

        return (groupBy, aggregations);
    }

    /// <summary><c>price.net</c> becomes <c>price_net</c>: a default output name must be one plain field.</summary>
    private static string DefaultName(FieldPath field) =>
        string.Concat(field.Text.TrimStart('$', '.').Select(c => char.IsLetterOrDigit(c) ? c : '_')).Trim('_');

    private sealed record Aggregation(string Function, FieldPath? Field, FieldPath Output);

    private sealed class Stage(IReadOnlyList<FieldPath> groupBy, Aggregation[] aggregations, TransformationContext context) : ITransformation
    {
        private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
        private readonly List<Group> _order = [];
        private readonly System.Text.StringBuilder _key = new();

        public void Push(JsonObject record, Action<JsonObject> emit)
        {
            _key.Clear();
            var values = new JsonNode?[groupBy.Count];
            for (var g = 0; g < groupBy.Count; g++)
            {
                groupBy[g].TryGet(record, out values[g]);
                var part = JsonValues.KeyOf(values[g]) ?? "0";
                _key.Append(part.Length).Append(':').Append(part); // length-prefixed, so parts cannot run together
            }

            var key = _key.ToString();
            if (!_groups.TryGetValue(key, out var group))
            {
                group = new Group(values.Select(v => v?.DeepClone()).ToArray(), aggregations.Select(a => new Accumulator(a)).ToArray());
                _groups.Add(key, group);
                _order.Add(group);
            }

            foreach (var accumulator in group.Accumulators)
            {
                accumulator.Add(record);
            }
        }

        public void Complete(Action<JsonObject> emit)
        {
            var order = _order.ToList();
            _groups.Clear();
            _order.Clear();
            foreach (var accumulator in order.SelectMany(g => g.Accumulators).Where(a => a.Skipped > 0).GroupBy(a => a.Definition))
            {
                var definition = accumulator.Key;
                context.Warn($"aggregate {definition.Function} of '{definition.Field}': {accumulator.Sum(a => a.Skipped)} value(s) were not numbers and were skipped.");
            }

            foreach (var group in order)
            {
                var result = new JsonObject();
                for (var g = 0; g < groupBy.Count; g++)
                {
                    groupBy[g].Set(result, group.Values[g]);
                }

                foreach (var accumulator in group.Accumulators)
                {
                    accumulator.Definition.Output.Set(result, accumulator.Result());
                }

                emit(result);
            }
        }
    }

    private sealed record Group(JsonNode?[] Values, Accumulator[] Accumulators);

    private sealed class Accumulator(Aggregation definition)
    {
        private long _count;
        private double _sum;
        private JsonNode? _best;
        private double? _bestNumber;

        public Aggregation Definition => definition;

        public long Skipped { get; private set; }

        public void Add(JsonObject record)
        {
            if (definition.Field is null)
            {
                _count++;
                return;
            }

            if (!definition.Field.TryGet(record, out var value) || value is null)
            {
                return;
            }

            switch (definition.Function)
            {
                case "count":
                    _count++;
                    break;
                case "sum" or "avg":
                    if (JsonValues.TryGetNumber(value, allowNumericText: true, out var number))
                    {
                        _sum += number;
                        _count++;
                    }
                    else
                    {
                        Skipped++;
                    }

                    break;
                default:
                    Consider(value, definition.Function == "min" ? -1 : 1);
                    break;
            }
        }

        /// <summary>Keeps <paramref name="value"/> where it is further in <paramref name="direction"/> than the best so far.</summary>
        private void Consider(JsonNode value, int direction)
        {
            if (JsonValues.TryGetNumber(value, allowNumericText: true, out var number))
            {
                // Numbers rank before text, so a number beats text for min and loses to it for max.
                if (_best is null || (_bestNumber is { } best ? number.CompareTo(best) == direction : direction < 0))
                {
                    _best = JsonValues.FromNumber(number);
                    _bestNumber = number;
                }
            }
            else if (JsonValues.TryGetString(value, out var text))
            {
                if (_best is null || (_bestNumber is null
                        ? Math.Sign(string.CompareOrdinal(text, _best.GetValue<string>())) == direction
                        : direction > 0))
                {
                    _best = JsonValue.Create(text);
                    _bestNumber = null;
                }
            }
        }

        public JsonNode? Result() => definition.Function switch
        {
            "count" => JsonValue.Create(_count),
            "sum" => JsonValues.FromNumber(_sum),
            "avg" => _count == 0 ? null : JsonValues.FromNumber(_sum / _count),
            _ => _best?.DeepClone(),
        };
    }
}
