using System.Text.Json.Nodes;

namespace Muxly.Router.Transformations;

/// <summary>
/// The transformation types known by name (SPEC §4). Adding a type is one class implementing
/// <see cref="ITransformationType"/> and one line in <see cref="BuiltIns"/>. Names are matched case-insensitively.
/// </summary>
public sealed class TransformationRegistry
{
    public const string UnknownTypeErrorId = "MuxlyTransformationTypeUnknown";

    private static readonly ITransformationType[] BuiltIns =
    [
        new RenameFieldTransformation(),
        new SetFieldTransformation(),
        new RemoveFieldTransformation(),
        new FilterTransformation(),
        new FormulaTransformation(),
        new FormatStringTransformation(),
        new ArrayFlattenTransformation(),
        new AggregateTransformation(),
        new JoinTransformation(),
    ];

    private readonly Dictionary<string, ITransformationType> _types = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Builds a registry of the given types; two types of the same name are a programming error.</summary>
    public TransformationRegistry(IEnumerable<ITransformationType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        foreach (var type in types)
        {
            if (!_types.TryAdd(type.Name, type))
            {
                throw new ArgumentException($"The transformation type '{type.Name}' is registered twice.", nameof(types));
            }
        }
    }

    /// <summary>The built-in types.</summary>
    public static TransformationRegistry Default { get; } = new(BuiltIns);

    /// <summary>The registered names, in registration order.</summary>
    public IReadOnlyCollection<string> Names => _types.Keys;

    public IReadOnlyCollection<ITransformationType> Types => _types.Values;

    public bool IsKnown(string? type) => type is not null && _types.ContainsKey(type.Trim());

    /// <summary>The type of that name, or throws <c>MuxlyTransformationTypeUnknown</c> listing the known ones.</summary>
    public ITransformationType Get(string? type)
    {
        if (type is not null && _types.TryGetValue(type.Trim(), out var found))
        {
            return found;
        }

        throw MuxlyException.Invalid(UnknownTypeErrorId,
            $"'{type}' is not a transformation type. Known types: {string.Join(", ", _types.Keys)}.", type);
    }

    /// <summary>
    /// Checks a transformation as a rule is saved and returns its canonical type name. Throws for an unknown type or
    /// a bad configuration; <paramref name="connectorExists"/>, when given, is used to check connectors that
    /// <c>join</c> reads.
    /// </summary>
    public string Validate(string? type, JsonObject? config, Func<string, bool>? connectorExists = null)
    {
        var definition = Get(type);
        definition.Validate(config ?? new JsonObject(), connectorExists);
        return definition.Name;
    }

    /// <summary>Compiles one transformation into a stage.</summary>
    public ITransformation Create(string? type, JsonObject? config, TransformationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Get(type).Create(config ?? new JsonObject(), context);
    }

    /// <summary>Compiles a rule's transformations, already in sequence order, into one pipeline.</summary>
    public TransformationPipeline CreatePipeline(IEnumerable<TransformationStep> steps, TransformationContext context)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return new TransformationPipeline(steps.Select(step => Create(step.Type, step.Config, context)).ToList());
    }
}
