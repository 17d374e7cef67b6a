using System.Text.Json.Nodes;
using Muxly.Router.Transformations;
using static Muxly.Tests.Router.Transformations.TransformationTestKit;

namespace Muxly.Tests.Router.Transformations;

public class TransformationRegistryTests
{
    [Theory]
    [InlineData("rename_field", typeof(RenameFieldTransformation))]
    [InlineData("set_field", typeof(SetFieldTransformation))]
    [InlineData("remove_field", typeof(RemoveFieldTransformation))]
    [InlineData("filter", typeof(FilterTransformation))]
    [InlineData("formula", typeof(FormulaTransformation))]
    [InlineData("format_string", typeof(FormatStringTransformation))]
    [InlineData("array_flatten", typeof(ArrayFlattenTransformation))]
    [InlineData("aggregate", typeof(AggregateTransformation))]
    [InlineData("join", typeof(JoinTransformation))]
    public void Registers_each_built_in_by_its_type_name(string name, Type type)
    {
        var definition = TransformationRegistry.Default.Get(name);
        Assert.IsType(type, definition);
        Assert.Equal(name, definition.Name);
        Assert.False(string.IsNullOrWhiteSpace(definition.Description));
        Assert.True(TransformationRegistry.Default.IsKnown(name.ToUpperInvariant()));
    }

    [Fact]
    public void Knows_exactly_the_built_ins()
    {
        Assert.Equal(
            ["rename_field", "set_field", "remove_field", "filter", "formula", "format_string", "array_flatten", "aggregate", "join"],
            TransformationRegistry.Default.Names);
    }

    [Theory]
    [InlineData("uppercase")]
    [InlineData("")]
    [InlineData(null)]
    public void Refuses_an_unknown_type_listing_the_known_ones(string? type)
    {
        var error = Assert.Throws<MuxlyException>(() => TransformationRegistry.Default.Validate(type, new JsonObject()));
        Assert.Equal("MuxlyTransformationTypeUnknown", error.ErrorId);
        Assert.Equal(MuxlyErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("rename_field, set_field", error.Message);
        Assert.Throws<MuxlyException>(() => TransformationRegistry.Default.Create(type, new JsonObject(), TransformationContext.None));
    }

    [Fact]
    public void Validate_returns_the_canonical_name()
    {
        Assert.Equal("rename_field", TransformationRegistry.Default.Validate(" Rename_Field ", Obj("""{"from":"a","to":"b"}""")));
    }

    [Fact]
    public void Treats_a_null_config_as_empty()
    {
        var error = Assert.Throws<MuxlyException>(() => TransformationRegistry.Default.Validate("rename_field", null));
        Assert.Equal("rename_field needs 'from' (a field path).", error.Message);
        Assert.Equal(MuxlyErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("rename_field", error.Target);
    }

    [Fact]
    public void Takes_new_types_by_registration()
    {
        var registry = new TransformationRegistry([.. TransformationRegistry.Default.Types, new UppercaseTransformation()]);
        var stage = registry.Create("uppercase", Obj("""{"field":"name"}"""), TransformationContext.None);
        Assert.Equal("ANN", (string)stage.Apply(JsonRecords("""{"name":"Ann"}""")).Single()["name"]!);
        Assert.Throws<ArgumentException>(() => new TransformationRegistry([new UppercaseTransformation(), new UppercaseTransformation()]));
    }

    /// <summary>An example of a type added from outside: one class, one registration.</summary>
    private sealed class UppercaseTransformation : ITransformationType
    {
        public string Name => "uppercase";

        public string Description => "Upper-cases a text field.";

        public void Validate(JsonObject config, Func<string, bool>? connectorExists = null) =>
            new TransformationConfig(Name, config, "field").RequirePath("field");

        public ITransformation Create(JsonObject config, TransformationContext context)
        {
            var field = new TransformationConfig(Name, config, "field").RequirePath("field");
            return new Stage(field);
        }

        private sealed class Stage(Muxly.Router.Records.FieldPath field) : ITransformation
        {
            public void Push(JsonObject record, Action<JsonObject> emit)
            {
                if (field.TryGet(record, out var value) && value is JsonValue text && text.TryGetValue<string>(out var s))
                {
                    field.Set(record, s.ToUpperInvariant());
                }

                emit(record);
            }

            public void Complete(Action<JsonObject> emit)
            {
            }
        }
    }
}
