using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Muxly.Router.Projections;

/// <summary>
/// A record as a rule's field-level transformations leave it, described over its parse instead of copied into a
/// <see cref="JsonObject"/>: the objects a transformation touched are lists of entries in the order a
/// <see cref="JsonObject"/> would hold them, everything else is the parsed <see cref="JsonElement"/>. A writer writes it
/// straight out (<see cref="WriteTo"/>), or asks for the <see cref="JsonObject"/> the materialising path makes
/// (<see cref="ToObject"/>) where it cannot. One instance per rule and run, reused for every record; valid only while
/// the record's parse is.
/// </summary>
internal sealed class ProjectedRecord
{
    /// <summary>How names are escaped: as the file formats' JSON writer escapes them.</summary>
    public static readonly JavaScriptEncoder NameEncoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private readonly ObjectShapeCache _rootShape = new();
    private readonly List<ProjectedObject> _pool = [];
    private readonly Func<JsonElement, JsonObject> _materialise;
    private int _pooled;
    private JsonObject? _materialised;

    public ProjectedRecord(Func<JsonElement, JsonObject> materialise)
    {
        _materialise = materialise;
    }

    /// <summary>The record as parsed.</summary>
    public JsonElement Source { get; private set; }

    /// <summary>The record: the parse itself until a transformation opens it.</summary>
    public ProjectedValue Root { get; private set; }

    public void Reset(JsonElement source)
    {
        Source = source;
        Root = ProjectedValue.Of(source);
        _pooled = 0;
        _materialised = null;
    }

    /// <summary>The record as the materialising path makes it (the transformations applied to a copy), made once.</summary>
    public JsonObject ToObject()
    {
        if (_materialised is null)
        {
            Materialised++;
            _materialised = _materialise(Source);
        }

        return _materialised;
    }

    /// <summary>How many records a writer asked to materialise (see <see cref="RecordProjection"/>).</summary>
    internal long Materialised { get; private set; }

    public void WriteTo(Utf8JsonWriter writer) => Root.WriteTo(writer);

    /// <summary>The root as an object of entries; false where its names repeat.</summary>
    public bool TryOpenRoot(out ProjectedObject root)
    {
        var value = Root;
        if (!TryOpen(ref value, _rootShape, out root))
        {
            return false;
        }

        Root = value;
        return true;
    }

    /// <summary>
    /// Turns an object value into entries (the parse's properties, through <paramref name="shapes"/>, or a configured
    /// object's) and replaces <paramref name="value"/> with it; false where the names repeat or it is not an object.
    /// </summary>
    public bool TryOpen(ref ProjectedValue value, ObjectShapeCache shapes, out ProjectedObject opened)
    {
        opened = null!;
        switch (value.Kind)
        {
            case ProjectedKind.Object:
                opened = value.Object!;
                return true;
            case ProjectedKind.Element when value.Element.ValueKind == JsonValueKind.Object:
                opened = Rent();
                if (!shapes.Fill(value.Element, opened.Entries))
                {
                    return false;
                }

                break;
            case ProjectedKind.Node when value.Node is JsonObject configured:
                opened = Rent();
                try
                {
                    foreach (var (name, child) in configured)
                    {
                        opened.Entries.Add(new ProjectedEntry(new ProjectedName(name), ProjectedValue.Of(child)));
                    }
                }
                catch (ArgumentException)
                {
                    return false; // a configured name the JSON writer refuses: the materialising path reports it
                }

                break;
            default:
                return false;
        }

        value = ProjectedValue.Of(opened);
        return true;
    }

    public ProjectedObject Rent()
    {
        if (_pooled == _pool.Count)
        {
            _pool.Add(new ProjectedObject());
        }

        var obj = _pool[_pooled++];
        obj.Entries.Clear();
        return obj;
    }
}
