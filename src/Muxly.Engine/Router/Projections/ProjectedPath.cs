using System.Text.Json;
using Muxly.Router.Records;

namespace Muxly.Router.Projections;

/// <summary>
/// A field path of names only (<c>customer.id</c>, <c>$['odd name']</c>), applied to a <see cref="ProjectedRecord"/>
/// with exactly the effects <see cref="FieldPath.Remove"/> and <see cref="FieldPath.Set"/> have on a
/// <see cref="System.Text.Json.Nodes.JsonObject"/>: a removed field's place closes up, a set of an existing field keeps
/// its place, a new field goes last, a missing or null parent becomes a new object. Where the materialising path would
/// fail or warn (a parent that is not an object, repeated names) the methods return false, and the record is left to
/// that path.
/// </summary>
internal sealed class ProjectedPath
{
    private readonly string[] _names;
    private readonly ProjectedName[] _encoded;
    private readonly ObjectShapeCache[] _shapes;

    private ProjectedPath(string text, string[] names)
    {
        Text = text;
        _names = names;
        _encoded = Array.ConvertAll(names, n => new ProjectedName(n));
        _shapes = Array.ConvertAll(names, _ => new ObjectShapeCache());
    }

    /// <summary>The path as written (a rename onto the same text does nothing, as on the materialising path).</summary>
    public string Text { get; }

    /// <summary>The path, or null where it has an array index or a name the JSON writer cannot write.</summary>
    public static ProjectedPath? TryCreate(FieldPath path)
    {
        if (path.Names is not { } names)
        {
            return null;
        }

        try
        {
            return new ProjectedPath(path.Text, names);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads the field as <see cref="FieldPath.TryGet(System.Text.Json.Nodes.JsonNode?, out System.Text.Json.Nodes.JsonNode?)"/>
    /// reads it from the materialised record (<paramref name="found"/> false where it, or an object on the way, is
    /// missing); false where the record must be materialised. The objects on the way are opened, as reading a
    /// <see cref="System.Text.Json.Nodes.JsonObject"/> materialises them: their names are checked there.
    /// </summary>
    public bool TryGet(ProjectedRecord record, out bool found, out ProjectedValue value)
    {
        var readable = TryFind(record, out var parent, out var leaf);
        found = leaf >= 0;
        value = found ? parent!.Entries[leaf].Value : default;
        return readable;
    }

    /// <summary>Removes the field if it is there (<paramref name="found"/>); false where the record must be materialised.</summary>
    public bool TryRemove(ProjectedRecord record, out bool found, out ProjectedValue removed)
    {
        var readable = TryFind(record, out var parent, out var leaf);
        found = leaf >= 0;
        removed = found ? parent!.Entries[leaf].Value : default;
        if (found)
        {
            parent!.Entries.RemoveAt(leaf);
        }

        return readable;
    }

    /// <summary>Sets the field, creating missing (or null) parents; false where the record must be materialised.</summary>
    public bool TrySet(ProjectedRecord record, ProjectedValue value)
    {
        if (!record.TryOpenRoot(out var current))
        {
            return false;
        }

        for (var i = 0; i < _names.Length - 1; i++)
        {
            var index = current.IndexOf(_names[i]);
            if (index < 0)
            {
                var created = record.Rent();
                current.Entries.Add(new ProjectedEntry(_encoded[i], ProjectedValue.Of(created)));
                current = created;
            }
            else if (current.Entries[index].Value.IsNull)
            {
                var created = record.Rent();
                current.Entries[index] = current.Entries[index] with { Value = ProjectedValue.Of(created) };
                current = created;
            }
            else if (!TryDescend(record, current, index, i, out current))
            {
                return false; // a parent that is not an object: the materialising path warns
            }
        }

        var leaf = current.IndexOf(_names[^1]);
        if (leaf >= 0)
        {
            current.Entries[leaf] = current.Entries[leaf] with { Value = value };
        }
        else
        {
            current.Entries.Add(new ProjectedEntry(_encoded[^1], value));
        }

        return true;
    }

    // The field's place: the object holding it, opened, and its index there (-1 where it, or an object above it, is
    // missing or not an object); false where the record must be materialised.
    private bool TryFind(ProjectedRecord record, out ProjectedObject? parent, out int leaf)
    {
        parent = null;
        leaf = -1;
        if (!record.TryOpenRoot(out var current))
        {
            return false;
        }

        for (var i = 0; i < _names.Length - 1; i++)
        {
            var index = current.IndexOf(_names[i]);
            if (index < 0 || !current.Entries[index].Value.IsObject)
            {
                return true;
            }

            if (!TryDescend(record, current, index, i, out current))
            {
                return false;
            }
        }

        parent = current;
        leaf = current.IndexOf(_names[^1]);
        return true;
    }

    private bool TryDescend(ProjectedRecord record, ProjectedObject parent, int index, int depth, out ProjectedObject child)
    {
        var entry = parent.Entries[index];
        var value = entry.Value;
        if (!record.TryOpen(ref value, _shapes[depth], out child))
        {
            return false;
        }

        parent.Entries[index] = entry with { Value = value };
        return true;
    }
}
