using System.Text.Json.Nodes;

namespace Muxly.Router.Transformations;

/// <summary>
/// One kind of transformation, known by its <c>transformation_type</c> name. It checks a configuration when a rule is
/// saved and compiles it into a stage when a route runs. Register an implementation in
/// <see cref="TransformationRegistry"/>; nothing else needs to know about it.
/// </summary>
public interface ITransformationType
{
    /// <summary>The type name, such as <c>rename_field</c>.</summary>
    string Name { get; }

    /// <summary>One line for listings and error messages.</summary>
    string Description { get; }

    /// <summary>
    /// Throws a <see cref="MuxlyException"/> (<c>MuxlyTransformationConfigInvalid</c>, or a more specific id) naming the
    /// key that is missing or wrong. <paramref name="connectorExists"/>, when given, lets types that read other connectors
    /// check that they exist.
    /// </summary>
    void Validate(JsonObject config, Func<string, bool>? connectorExists = null);

    /// <summary>Validates <paramref name="config"/> and compiles it into a stage.</summary>
    ITransformation Create(JsonObject config, TransformationContext context);
}
