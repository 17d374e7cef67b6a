using System.Text.Json.Nodes;
using Muxly.Router.Transformations;

namespace Muxly.Tests.Router.Transformations;

/// <summary>Shorthand for the transformation tests: records and configs written as JSON text.</summary>
internal static class TransformationTestKit
{
    public static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    public static List<JsonObject> JsonRecords(params string[] json) => json.Select(Obj).ToList();

    /// <summary>Runs one transformation of the default registry and returns the output as compact JSON lines.</summary>
    public static List<string> Run(string type, string config, IEnumerable<JsonObject> records, List<string>? warnings = null,
        TransformationContext? context = null)
    {
        context ??= new TransformationContext { Warn = message => warnings?.Add(message) };
        var stage = TransformationRegistry.Default.Create(type, Obj(config), context);
        return stage.Apply(records).Select(r => r.ToJsonString()).ToList();
    }

    public static List<string> Run(string type, string config, params string[] records) => Run(type, config, JsonRecords(records));

    /// <summary>Asserts that saving the config is refused with the given error id and a message containing <paramref name="text"/>.</summary>
    public static MuxlyException AssertRefused(string type, string config, string text,
        string errorId = "MuxlyTransformationConfigInvalid", Func<string, bool>? connectorExists = null)
    {
        var error = Assert.Throws<MuxlyException>(() => TransformationRegistry.Default.Validate(type, Obj(config), connectorExists));
        Assert.Equal(errorId, error.ErrorId);
        Assert.Contains(text, error.Message);
        // Creating the stage checks the same things, so a bad config can never run.
        var atCreate = Assert.Throws<MuxlyException>(() => TransformationRegistry.Default.Create(type, Obj(config),
            new TransformationContext { ConnectorExists = connectorExists, ReadConnector = _ => [] }));
        Assert.Equal(errorId, atCreate.ErrorId);
        return error;
    }
}
