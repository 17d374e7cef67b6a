using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Muxly.Destinations;
using Muxly.Destinations.Databases;
using Muxly.Router.Runs;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Destinations;

/// <summary>The database destination writing real SQLite files: tables, mappings, types, upserts and batches.</summary>
public sealed class DatabaseDestinationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("muxly-db-dest-").FullName;
    private readonly List<string> _warnings = [];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Database => Path.Combine(_folder, "out.db");

    [Fact]
    public void A_mapping_creates_the_table_and_fills_each_column_from_its_field_path_nested_ones_included()
    {
        Run(Config("""
            "columns": {"id":"id", "country":"customer.country", "first_sku":"items[0].sku", "odd":"$['odd key']"}
            """), [
            Obj("""{"id":1,"customer":{"country":"US"},"items":[{"sku":"A-1"}],"odd key":"x","ignored":true}"""),
            Obj("""{"id":2,"customer":{},"items":[]}"""),
        ]);

        Assert.Equal(["id", "country", "first_sku", "odd"], Columns("orders"));
        Assert.Equal([
            "1|US|A-1|x",
            "2|||",
        ], Rows("SELECT id, country, first_sku, odd FROM orders ORDER BY id"));
    }

    [Fact]
    public void Values_keep_their_kind_numbers_bools_strings_null_and_nested_json_text()
    {
        string[] columns = ["whole", "real", "flag", "unflag", "label", "empty", "missing", "obj", "list", "decimal_whole", "clr"];
        Run(Config(""" "columns": {"whole":"a","real":"b","flag":"c","unflag":"d","label":"e","empty":"f","missing":"g","obj":"h","list":"i","decimal_whole":"j","clr":"k"} """), [
            new JsonObject
            {
                ["a"] = JsonNode.Parse("42"), ["b"] = JsonNode.Parse("2.5"), ["c"] = true, ["d"] = false, ["e"] = "Zoë",
                ["f"] = null, ["h"] = JsonNode.Parse("""{"x":[1,"y"]}"""), ["i"] = JsonNode.Parse("[1,2]"),
                ["j"] = JsonNode.Parse("3000.0"), ["k"] = 7, // a number made in code (a transformation's output)
            },
        ]);

        var stored = columns.Select(c => Rows($"SELECT typeof({c}) || ':' || ifnull({c}, '') FROM orders").Single());
        Assert.Equal(["integer:42", "real:2.5", "integer:1", "integer:0", "text:Zoë", "null:", "null:", """text:{"x":[1,"y"]}""", "text:[1,2]", "real:3000.0", "integer:7"], stored);
    }

    [Fact]
    public void Without_a_mapping_a_new_table_takes_the_first_records_fields_and_fields_it_lacks_are_warned_about_once()
    {
        Run(Config(""), [
            Obj("""{"id":1,"name":"a","tags":["x"]}"""),
            Obj("""{"id":2,"extra":1}"""),
            Obj("""{"id":3,"extra":2,"name":"c"}"""),
        ]);

        Assert.Equal(["id", "name", "tags"], Columns("orders"));
        Assert.Equal(["1|a|[\"x\"]", "2||", "3|c|"], Rows("SELECT id, ifnull(name,''), ifnull(tags,'') FROM orders ORDER BY id"));
        Assert.Single(_warnings, w => w.Contains("'extra'"));
    }

    [Fact]
    public void Without_a_mapping_an_existing_table_gives_the_columns()
    {
        Execute("CREATE TABLE orders (seq INTEGER PRIMARY KEY, id INTEGER, \"total amount\" REAL)");

        Run(Config(""), [Obj("""{"id":1,"total amount":9.5}"""), Obj("""{"id":2}""")]);

        Assert.Equal(["1|1|9.5", "2|2|"], Rows("SELECT seq, id, ifnull(\"total amount\",'') FROM orders ORDER BY seq"));
    }

    [Fact]
    public void An_upsert_key_updates_the_rows_it_finds_and_inserts_the_rest()
    {
        var config = Config(""" "columns": {"id":"id","status":"status","amount":"amount"}, "upsert_key": ["id"] """);
        Run(config, [Obj("""{"id":1,"status":"new","amount":10}"""), Obj("""{"id":2,"status":"new","amount":20}""")]);

        Run(config, [Obj("""{"id":2,"status":"paid","amount":25}"""), Obj("""{"id":3,"status":"new","amount":30}"""), Obj("""{"id":2,"status":"shipped","amount":25}""")]);

        Assert.Equal(["1|new|10", "2|shipped|25", "3|new|30"], Rows("SELECT id, status, amount FROM orders ORDER BY id"));
    }

    [Fact]
    public void A_table_created_for_upserts_has_the_key_as_its_primary_key()
    {
        Run(Config(""" "columns": {"region":"r","day":"d","n":"n"}, "upsert_key": ["region","day"] """), [Obj("""{"r":"eu","d":"mon","n":1}""")]);

        Assert.Equal(["region", "day"], Rows("SELECT name FROM pragma_table_info('orders') WHERE pk > 0 ORDER BY pk"));
    }

    [Fact]
    public void Each_full_batch_is_committed_and_an_abandoned_run_rolls_back_only_the_batch_in_progress()
    {
        using (var writer = Open(Config(""" "columns": {"id":"id"}, "batch_size": 2 """)))
        {
            foreach (var id in Enumerable.Range(1, 5))
            {
                writer.Write(Obj($$"""{"id":{{id}}}"""));
            }

            Assert.Equal(["1", "2", "3", "4"], Rows("SELECT id FROM orders ORDER BY id")); // visible to another connection
        }

        Assert.Equal(["1", "2", "3", "4"], Rows("SELECT id FROM orders ORDER BY id"));
    }

    [Fact]
    public void A_refused_row_fails_its_own_batch_only_and_later_batches_go_in()
    {
        Execute("CREATE TABLE orders (id INTEGER UNIQUE, amount REAL CHECK (amount >= 0))");
        var records = new[] { 1, 2, 3, -4, 5, 6 }.Select(n => Obj($$"""{"id":{{Math.Abs(n)}},"amount":{{n}}}""")).ToArray();
        var failures = new List<DeliveryException>();

        using (var writer = Open(Config(""" "batch_size": 2 """)))
        {
            foreach (var record in records)
            {
                try
                {
                    writer.Write(record);
                }
                catch (DeliveryException ex)
                {
                    failures.Add(ex);
                }
            }

            writer.Complete();
        }

        var failure = Assert.Single(failures);
        Assert.Equal([records[2], records[3]], failure.FailedRecords); // the batch holding the refused row: 3 and -4
        Assert.Contains("CHECK constraint failed", failure.Message);
        Assert.Contains("rolled back", failure.Message);
        Assert.Equal(["1", "2", "5", "6"], Rows("SELECT id FROM orders ORDER BY id"));
    }

    [Fact]
    public void The_path_takes_dynamic_values()
    {
        var context = new RunContext(now: new DateTimeOffset(2026, 11, 24, 13, 5, 0, TimeSpan.Zero)) { Parameters = new Dictionary<string, string> { ["SITE"] = "lyon" } };
        var config = Config(""" "columns": {"id":"id"} """);
        config["path"] = Path.Combine(_folder, "${param:SITE}-${DATE}.db");

        Run(config, [Obj("""{"id":1}""")], context);

        Assert.True(File.Exists(Path.Combine(_folder, "lyon-2026-11-24.db")));
    }

    [Fact]
    public void A_missing_table_without_create_table_stops_the_run_at_open()
    {
        var error = Assert.Throws<MuxlyException>(() => Open(Config(""" "create_table": false """)));

        Assert.Equal("MuxlyDestinationTableMissing", error.ErrorId);
        Assert.Contains("'orders'", error.Message);
    }

    [Fact]
    public void A_mapped_column_the_table_lacks_stops_the_run_at_open_naming_it()
    {
        Execute("CREATE TABLE orders (id INTEGER)");

        var error = Assert.Throws<MuxlyException>(() => Open(Config(""" "columns": {"id":"id","country":"customer.country"} """)));

        Assert.Equal("MuxlyDestinationTableMismatch", error.ErrorId);
        Assert.Contains("'country'", error.Message);
    }

    [Fact]
    public void An_upsert_on_an_existing_table_without_a_unique_key_stops_the_run_at_open()
    {
        Execute("CREATE TABLE orders (id INTEGER, status TEXT)");

        var error = Assert.Throws<MuxlyException>(() => Open(Config(""" "upsert_key": "id" """)));

        Assert.Equal("MuxlyDestinationTableMismatch", error.ErrorId);
        Assert.Contains("UNIQUE", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_sqlite_database_stops_the_run_at_open_and_is_left_as_it_was()
    {
        File.WriteAllText(Database, "these are not the pages of a SQLite database, just some text in a file with the name of one");

        var error = Assert.Throws<MuxlyException>(() => Open(Config(""" "columns": {"id":"id"} """)));

        Assert.Equal("MuxlyDestinationDatabaseUnavailable", error.ErrorId);
        Assert.Contains(Database, error.Message);
        Assert.StartsWith("these are not", File.ReadAllText(Database));
    }

    [Fact]
    public void Fields_that_cannot_be_column_names_are_refused_when_the_first_record_would_name_the_columns()
    {
        using var writer = Open(Config(""));

        var error = Assert.Throws<MuxlyException>(() => writer.Write(Obj("""{"id":1,"x\"); DROP TABLE t; --":2}""")));

        Assert.Equal("MuxlyDestinationColumnInvalid", error.ErrorId);
        Assert.Empty(Rows("SELECT name FROM sqlite_master"));
    }

    [Fact]
    public void A_record_whose_text_cannot_be_read_fails_alone_and_nothing_of_it_is_stored()
    {
        var config = Config(""" "columns": {"id":"id", "note":"note", "extra":"extra"} """);
        new DatabaseDestination().Validate(config);
        using var writer = Open(config);
        writer.Write(Obj("""{"id":1,"note":"whole"}"""));
        // Half a surrogate pair read from an escape, as a column's text and inside an object stored as JSON text.
        JsonObject[] unreadable = [Obj("""{"id":2,"note":"half \ud800 a pair"}"""), Obj("""{"id":3,"extra":{"x":"\udc00"}}""")];
        foreach (var record in unreadable)
        {
            var error = Assert.Throws<DeliveryException>(() => writer.Write(record));
            Assert.Equal([record], error.FailedRecords);
            Assert.Contains("cannot be stored", error.Message);
        }

        writer.Write(Obj("""{"id":4,"note":"pair \ud83d\ude00 whole"}"""));
        // Half a pair made in code (a transformation's output) is written as System.Text.Json writes it: U+FFFD.
        writer.Write(new JsonObject { ["id"] = 5, ["note"] = "cut \ud83d" });
        writer.Complete();

        Assert.Equal(["1|whole", "4|pair \U0001F600 whole", "5|cut \uFFFD"], Rows("SELECT id, note FROM orders ORDER BY id"));
    }

    private JsonObject Config(string extra) =>
        JsonNode.Parse($$"""{"provider":"sqlite","path":{{JsonValue.Create(Database).ToJsonString()}},"table":"orders"{{(extra.Trim().Length > 0 ? "," + extra : "")}}}""")!.AsObject();

    private IDestinationWriter Open(JsonObject config, RunContext? context = null) =>
        new DatabaseDestination().Open(new DestinationSettings("db", config), context ?? new RunContext(warn: _warnings.Add));

    private void Run(JsonObject config, IEnumerable<JsonObject> records, RunContext? context = null)
    {
        new DatabaseDestination().Validate(config);
        using var writer = Open(config, context);
        foreach (var record in records)
        {
            writer.Write(record);
        }

        writer.Complete();
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection($"Data Source={Database};Pooling=False");
        connection.Open();
        return connection;
    }

    private void Execute(string sql)
    {
        using var connection = Connect();
        SqliteInspection.Execute(connection, sql);
    }

    private List<string> Rows(string sql)
    {
        using var connection = Connect();
        return SqliteInspection.Rows(connection, sql);
    }

    private List<string> Columns(string table) => Rows($"SELECT name FROM pragma_table_info('{table}')");

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();
}
