using System.Text.Json.Nodes;
using Muxly.Destinations.Databases;

namespace Muxly.Tests.Destinations;

public sealed class DatabaseDestinationValidationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("muxly-db-dest-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("""{"path":"X/out.db","table":"t"}""", "provider")]
    [InlineData("""{"provider":"oracle","path":"X/out.db","table":"t"}""", "provider")]
    [InlineData("""{"provider":"sqlite","table":"t"}""", "path")]
    [InlineData("""{"provider":"sqlite","path":"X/","table":"t"}""", "path")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db"}""", "table")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"t","create_table":"yes"}""", "create_table")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"t","columns":["id"]}""", "columns")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"t","columns":{}}""", "columns")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"t","columns":{"id":5}}""", "columns.id")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"t","columns":{"id":"items[x]"}}""", "columns.id")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"t","columns":{"id":"id","ID":"other"}}""", "columns.ID")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"t","columns":{"id":"id"},"upsert_key":"country"}""", "upsert_key")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"t","upsert_key":[]}""", "upsert_key")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"t","upsert_key":[1]}""", "upsert_key")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"t","upsert_key":["id","id"]}""", "upsert_key")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"t","batch_size":0}""", "batch_size")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"t","batch_size":100001}""", "batch_size")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"t","tabel":"u"}""", "tabel")]
    [InlineData("""{"provider":"sqlite","path":"X/missing/out.db","table":"t"}""", "path")]
    [InlineData("""{"provider":"sqlite","path":"X","table":"t"}""", "path")]
    public void Invalid_config_is_refused_naming_the_key(string json, string key)
    {
        var error = Assert.Throws<MuxlyException>(() => new DatabaseDestination().Validate(Config(json)));

        Assert.Equal("MuxlyDestinationConfigInvalid", error.ErrorId);
        Assert.Equal(key, error.Target);
    }

    [Theory]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"orders\"; DROP TABLE users; --"}""", "table")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"sqlite_master"}""", "table")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"t","columns":{"id) VALUES (1); --":"id"}}""", "columns.id) VALUES (1); --")]
    [InlineData("""{"provider":"sqlite","path":"X/out.db","table":"t","upsert_key":"id\" DESC"}""", "upsert_key")]
    public void Names_that_are_not_plain_identifiers_are_refused_so_no_sql_can_come_in_through_the_config(string json, string key)
    {
        var error = Assert.Throws<MuxlyException>(() => new DatabaseDestination().Validate(Config(json)));

        Assert.Equal(key, error.Target);
        Assert.Contains("cannot be used as a table or column name", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder)); // nothing created
    }

    [Fact]
    public void Postgresql_is_refused_as_not_supported_yet()
    {
        var error = Assert.Throws<MuxlyException>(() => new DatabaseDestination().Validate(Config(
            """{"provider":"postgresql","path":"X/out.db","table":"t"}""")));

        Assert.Equal("provider", error.Target);
        Assert.Contains("not supported yet", error.Message);
    }

    [Fact]
    public void Defaults_and_a_full_config()
    {
        var defaults = DatabaseDestinationOptions.Parse(Config("""{"provider":"SQLite","path":"X/out.db","table":"orders"}"""));
        Assert.True(defaults.CreateTable);
        Assert.Null(defaults.Columns);
        Assert.Empty(defaults.UpsertKey);
        Assert.Equal(1000, defaults.BatchSize);

        var full = DatabaseDestinationOptions.Parse(new JsonObject
        {
            ["provider"] = "sqlite",
            ["path"] = "X/out-${DATE}.db",
            ["table"] = "orders",
            ["create_table"] = false,
            ["columns"] = new JsonObject { ["id"] = "id", ["country"] = "customer.country", ["first_sku"] = "items[0].sku" },
            ["upsert_key"] = "id",
            ["batch_size"] = 50, // a CLR number, as a config built in code holds
        });
        Assert.False(full.CreateTable);
        Assert.Equal(["id", "country", "first_sku"], full.Columns!.Select(c => c.Name));
        Assert.Equal("customer.country", full.Columns![1].Field.Text);
        Assert.Equal(["id"], full.UpsertKey);
        Assert.Equal(50, full.BatchSize);
    }

    [Fact]
    public void A_path_with_dynamic_values_is_not_checked_on_disk_until_the_run()
    {
        new DatabaseDestination().Validate(Config("""{"provider":"sqlite","path":"X/${param:FOLDER}/out.db","table":"t"}"""));
    }

    private JsonObject Config(string json) => JsonNode.Parse(json.Replace("X/", _folder.Replace("\\", "/") + "/").Replace("\"X\"", $"\"{_folder.Replace("\\", "/")}\""))!.AsObject();
}
