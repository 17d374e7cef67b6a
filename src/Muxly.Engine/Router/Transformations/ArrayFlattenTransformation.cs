using System.Text.Json.Nodes;
using Muxly.Router.Records;

namespace Muxly.Router.Transformations;

/// <summary>
/// <c>array_flatten</c>: one record per element of an array field. Config:
/// <c>{"field": "items", "keep_parent": true, "as": "item", "keep_empty": false}</c>.
/// <list type="bullet">
/// <item><c>field</c> (required): the array. It is removed from each output record, and the element is written at
/// <c>as</c> (default: the same path as <c>field</c>).</item>
/// <item><c>keep_parent</c> (default true): each output record carries the other fields of the parent (copied per
/// element); when false an output record holds only the element at <c>as</c>.</item>
/// <item><c>keep_empty</c> (default false): a record whose field is missing, null or an empty array is dropped; when
/// true it is passed on with null at <c>as</c>.</item>
/// </list>
/// A field holding a single value rather than an array is treated as an array of that one value.
/// </summary>
public sealed class ArrayFlattenTransformation : ITransformationType
{
    public string Name => "array_flatten";

    public string Description => "Emits one record per element of an array field, keeping the parent's fields if asked.";

    public void Validate(JsonObject config, Func<string, bool>? connectorExists = null) => Parse(config);

    public ITransformation Create(JsonObject config, TransformationContext context) => new Stage(Parse(config), context);

    private Settings Parse(JsonObject config)
    {
        var reader = new TransformationConfig(Name, config, "field", "keep_parent", "as", "keep_empty");
        var field = reader.RequirePath("field");
        return new Settings(field, reader.OptionalPath("as") ?? field, reader.OptionalBool("keep_parent", true),
            reader.OptionalBool("keep_empty", false));
    }

    private sealed record Settings(FieldPath Field, FieldPath As, bool KeepParent, bool KeepEmpty);

    private sealed class Stage(Settings settings, TransformationContext context) : ITransformation
    {
        public void Complete(Action<JsonObject> emit)
        {
        }

        public void Push(JsonObject record, Action<JsonObject> emit)
        {
            settings.Field.Remove(record, out var found);
            JsonNode?[] elements = found switch
            {
                null => [],
                JsonArray array => Detach(array),
                _ => [found],
            };

            if (elements.Length == 0)
            {
                if (settings.KeepEmpty)
                {
                    emit(Write(settings.KeepParent ? record : new JsonObject(), null));
                }

                return;
            }

            for (var i = 0; i < elements.Length; i++)
            {
                // The last element reuses the parent itself; the others get their own copy of it.
                var target = !settings.KeepParent ? new JsonObject()
                    : i == elements.Length - 1 ? record
                    : record.DeepClone().AsObject();
                emit(Write(target, elements[i]));
            }
        }

        private static JsonNode?[] Detach(JsonArray array)
        {
            var elements = array.ToArray();
            array.Clear(); // frees the elements from their parent array so that they can be placed in records
            return elements;
        }

        private JsonObject Write(JsonObject target, JsonNode? element)
        {
            if (!settings.As.Set(target, element))
            {
                context.Warn($"array_flatten could not write '{settings.As}' (a parent is not an object).");
            }

            return target;
        }
    }
}
