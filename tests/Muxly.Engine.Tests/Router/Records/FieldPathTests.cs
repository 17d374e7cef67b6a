using System.Text.Json.Nodes;
using Muxly.Json;
using Muxly.Router.Records;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Router.Records;

/// <summary>Field references into JSON records, as conditions and transformations use them.</summary>
public sealed class FieldPathTests
{
    private static readonly JsonObject Order = JsonNode.Parse("""
        {
          "amount": 42,
          "note": null,
          "user": { "profile": { "country": "DE" } },
          "items": [ { "sku": "A-1" }, { "sku": "B-2" } ],
          "odd key": { "x": "found" },
          "a": { "b": { "c": true } }
        }
        """)!.AsObject();

    [Theory]
    [InlineData("amount", "42")]
    [InlineData("a.b.c", "true")]
    [InlineData("user.profile.country", "\"DE\"")]
    [InlineData("items[1].sku", "\"B-2\"")]
    [InlineData("items[0]", """{"sku":"A-1"}""")]
    [InlineData("$.a.b.c", "true")]
    [InlineData("$.items[0].sku", "\"A-1\"")]
    [InlineData("$['odd key'].x", "\"found\"")]
    [InlineData("$[\"odd key\"]", """{"x":"found"}""")]
    public void TryGet_FindsTheValueAtThePath(string path, string expectedJson)
    {
        Assert.True(FieldPath.Parse(path).TryGet(Order, out var value));

        Assert.Equal(expectedJson, value!.ToJson());
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("user.missing")]
    [InlineData("amount.deeper")]
    [InlineData("items[2].sku")]
    [InlineData("user[0]")]
    [InlineData("note.inside")]
    public void TryGet_ReportsAMissingPathAsFalse(string path)
    {
        Assert.False(FieldPath.Parse(path).TryGet(Order, out var value));
        Assert.Null(value);
    }

    [Fact]
    public void TryGet_DistinguishesAJsonNullFromAMissingField()
    {
        Assert.True(FieldPath.Parse("note").TryGet(Order, out var note));
        Assert.Null(note);
        Assert.False(FieldPath.Parse("nothing").TryGet(Order, out _));
    }

    [Fact]
    public void Parse_KeepsTheTextAndDescribesTheShape()
    {
        var simple = FieldPath.Parse("amount");
        var nested = FieldPath.Parse("$.items[1].sku");

        Assert.True(simple.IsSimple);
        Assert.Equal(1, simple.Depth);
        Assert.False(nested.IsSimple);
        Assert.Equal(3, nested.Depth);
        Assert.Equal("$.items[1].sku", nested.ToString());
    }

    [Theory]
    [InlineData("a..b", 3)]
    [InlineData("a.", 3)]
    [InlineData("a[", 3)]
    [InlineData("a[x]", 3)]
    [InlineData("a[1", 4)]
    [InlineData("a[-1]", 3)]
    [InlineData("a['open", 8)]
    [InlineData("$x", 2)]
    [InlineData("$", 2)]
    public void Parse_RejectsAMalformedPathNamingThePosition(string path, int position)
    {
        var error = MuxlyAssert.Fails("MuxlyFieldPathInvalid", () => FieldPath.Parse(path));

        Assert.Contains($"at position {position}:", error.Message);
        Assert.Equal(path, error.Target);
        Assert.Equal(MuxlyErrorKind.InvalidArgument, error.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Parse_RejectsAnEmptyPath(string path)
    {
        MuxlyAssert.Fails("MuxlyFieldPathInvalid", () => FieldPath.Parse(path));
    }

    [Fact]
    public void Set_CreatesIntermediateObjects()
    {
        var record = new JsonObject { ["id"] = 1 };

        Assert.True(FieldPath.Parse("meta.source.name").Set(record, "crm"));

        Assert.Equal("""{"id":1,"meta":{"source":{"name":"crm"}}}""", record.ToJson());
    }

    [Fact]
    public void Set_ReplacesAnExistingValueAndWritesIntoArrays()
    {
        var record = JsonNode.Parse("""{"items":[{"sku":"A"},{"sku":"B"}]}""")!.AsObject();

        Assert.True(FieldPath.Parse("items[1].sku").Set(record, "B-2"));
        Assert.True(FieldPath.Parse("items[0]").Set(record, null));

        Assert.Equal("""{"items":[null,{"sku":"B-2"}]}""", record.ToJson());
    }

    [Fact]
    public void Set_FailsWhereAnIndexIsOutOfRangeOrAParentIsNotAnObject()
    {
        var record = JsonNode.Parse("""{"items":[],"amount":5,"slots":[null]}""")!.AsObject();

        Assert.False(FieldPath.Parse("items[0].sku").Set(record, "x"));
        Assert.False(FieldPath.Parse("slots[0].inner[0]").Set(record, "x"));
        Assert.False(FieldPath.Parse("amount.currency").Set(record, "EUR"));
        Assert.False(FieldPath.Parse("lines[0].sku").Set(record, "x"));
        Assert.False(FieldPath.Parse("meta.tags[0]").Set(record, "x"));

        // A write that cannot be made leaves the record as it was.
        Assert.Equal("""{"items":[],"amount":5,"slots":[null]}""", record.ToJson());
    }

    [Fact]
    public void Set_FillsANullArrayElementWithAnObject()
    {
        var record = JsonNode.Parse("""{"slots":[null]}""")!.AsObject();

        Assert.True(FieldPath.Parse("slots[0].name").Set(record, "first"));

        Assert.Equal("""{"slots":[{"name":"first"}]}""", record.ToJson());
    }

    [Fact]
    public void Remove_DetachesAndReturnsTheValue()
    {
        var record = Order.DeepClone().AsObject();

        Assert.True(FieldPath.Parse("user.profile").Remove(record, out var removed));

        Assert.Equal("""{"country":"DE"}""", removed!.ToJson());
        Assert.Null(removed!.Parent);
        Assert.Equal("{}", record["user"]!.ToJson());
    }

    [Fact]
    public void Remove_TakesAnElementOutOfAnArray()
    {
        var record = Order.DeepClone().AsObject();

        Assert.True(FieldPath.Parse("items[0]").Remove(record, out var removed));

        Assert.Equal("""{"sku":"A-1"}""", removed!.ToJson());
        Assert.Equal("""[{"sku":"B-2"}]""", record["items"]!.ToJson());
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("user.missing")]
    [InlineData("items[5]")]
    [InlineData("amount.inner")]
    public void Remove_OfAMissingPath_ReturnsFalseAndChangesNothing(string path)
    {
        var record = Order.DeepClone().AsObject();

        Assert.False(FieldPath.Parse(path).Remove(record, out _));

        Assert.True(JsonNode.DeepEquals(Order, record));
    }
}
