using System.Text.Json.Nodes;

namespace Muxly.Tests.TestSupport;

/// <summary>Records the condition tests evaluate against.</summary>
public static class ConditionTestRecords
{
    /// <summary>The JSON of <see cref="Sample"/>, one field per situation the condition tests need.</summary>
    public const string SampleJson = """
        {
          "id": 7,
          "amount": 1500,
          "price": 1000.0,
          "big": 1e3,
          "ratio": 0.25,
          "negative": -3,
          "status": "Active",
          "name": "Widget 'Pro'",
          "email": "ops@Example.com",
          "code": "ABC-123",
          "empty": "",
          "active": true,
          "deleted": false,
          "note": null,
          "tags": ["red", "blue", 3, true, null],
          "items": [ { "sku": "A1", "qty": 2 }, { "sku": "B2", "qty": 5 } ],
          "user": { "name": "alice", "profile": { "country": "NL", "age": 30 } },
          "limits": { "max": 2000, "min": 1500 },
          "odd key": "x",
          "in": "keyword-named",
          "x-ray": 1,
          "path": "C:\\temp\\file.txt",
          "nested": { "a": [1, 2, 3] },
          "copy": { "a": [1.0, 2, 3e0] }
        }
        """;

    /// <summary>A fresh copy of the sample record.</summary>
    public static JsonObject Sample => Parse(SampleJson);

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}

/// <summary>Evaluation both ways the engine does it: on a materialised record and on the same record as parsed JSON.</summary>
public static class ConditionEvaluation
{
    /// <summary>
    /// Evaluates <paramref name="condition"/> on <paramref name="record"/> and on the record's JSON parsed into a
    /// <see cref="System.Text.Json.JsonDocument"/> (what the router reads conditions from before it materialises a
    /// record), asserts that both give the same answer, and returns it.
    /// </summary>
    public static bool EvaluateBothWays(this Muxly.Router.Conditions.CompiledCondition condition, System.Text.Json.Nodes.JsonObject record)
    {
        var materialised = condition.Evaluate(record);
        using var parsed = System.Text.Json.JsonDocument.Parse(record.ToJsonString());
        var raw = condition.Evaluate(parsed.RootElement);
        Xunit.Assert.True(materialised == raw, $"'{condition.Text}' is {materialised} on the JsonObject but {raw} on the parsed JSON of {record.ToJsonString()}.");
        return materialised;
    }
}
