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
