using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Muxly.Router.Projections;

/// <summary>
/// The property names of one object in a record, in order: as strings (to find fields by name), as UTF-8 (to
/// recognise the same names in the next record without making strings) and encoded for a JSON writer. Only shapes
/// with distinct names exist: a <see cref="System.Text.Json.Nodes.JsonObject"/> refuses duplicate names, so a record
/// that has them is left to the materialising path, which reports it.
/// </summary>
internal sealed class ObjectShape
{
    private ObjectShape(string[] names)
    {
        Names = Array.ConvertAll(names, n => new ProjectedName(n));
        Utf8 = Array.ConvertAll(names, Encoding.UTF8.GetBytes);
    }

    public ProjectedName[] Names { get; }
    public byte[][] Utf8 { get; }

    /// <summary>The shape of <paramref name="obj"/>, or null where its names repeat or cannot be written as JSON.</summary>
    public static ObjectShape? TryRead(JsonElement obj)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                return null;
            }

            names.Add(property.Name);
        }

        try
        {
            return new ObjectShape(names.ToArray());
        }
        catch (ArgumentException)
        {
            return null; // a name with a lone surrogate: the JSON writer refuses it, and so must the reference path
        }
    }
}

/// <summary>
/// Remembers the last shape seen at one place in the records: records of one source mostly share their keys, so a
/// record's object is checked against it with one byte comparison per name, and read afresh only when it differs.
/// </summary>
internal sealed class ObjectShapeCache
{
    private ObjectShape? _last;

    /// <summary>Adds the properties of <paramref name="obj"/> to <paramref name="into"/>; false where its names repeat.</summary>
    public bool Fill(JsonElement obj, List<ProjectedEntry> into)
    {
        var start = into.Count;
        if (_last is { } shape && TryFill(shape, obj, into))
        {
            return true;
        }

        into.RemoveRange(start, into.Count - start);
        shape = ObjectShape.TryRead(obj);
        if (shape is null)
        {
            return false;
        }

        _last = shape;
        return TryFill(shape, obj, into);
    }

    private static bool TryFill(ObjectShape shape, JsonElement obj, List<ProjectedEntry> into)
    {
        var i = 0;
        foreach (var property in obj.EnumerateObject())
        {
            if (i >= shape.Names.Length || !property.NameEquals(shape.Utf8[i]))
            {
                return false;
            }

            into.Add(new ProjectedEntry(shape.Names[i], ProjectedValue.Of(property.Value)));
            i++;
        }

        return i == shape.Names.Length;
    }
}
