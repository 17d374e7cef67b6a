using System.Text;
using System.Text.Json.Nodes;
using Muxly.Connectors;
using Muxly.Connectors.Files;

namespace Muxly.Tests.Connectors;

public sealed class FileConnectorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("muxly-file-connector-").FullName;
    private readonly ConnectorRun _run = new();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string content, bool bom = false)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content, new UTF8Encoding(bom));
        return path;
    }

    private List<SourceItem> Read(string path, JsonObject? extra = null)
    {
        var connection = extra ?? [];
        connection["path"] = path;
        return _run.Read(new FileConnector(), connection);
    }

    private static List<string> Values(List<SourceItem> items, string field) =>
        ConnectorRun.Records(items).Select(r => r[field]?.ToString() ?? "<null>").ToList();

    // ---- jsonl ----

    [Fact]
    public void Jsonl_yields_one_record_per_line_and_skips_blank_lines()
    {
        var path = Write("events.jsonl", "{\"id\":1}\n\n{\"id\":2}\r\n   \n{\"id\":3}");

        Assert.Equal(["1", "2", "3"], Values(Read(path), "id"));
    }

    [Fact]
    public void Jsonl_malformed_line_fails_with_file_and_line_and_reading_goes_on()
    {
        var path = Write("events.jsonl", "{\"id\":1}\n{\"id\": oops}\n{\"id\":3}\n[1,2]\n");

        var items = Read(path);

        Assert.Equal(4, items.Count);
        Assert.Equal(1, (int)items[0].Record!["id"]!);
        Assert.True(items[1].IsError);
        Assert.Equal("events.jsonl line 2", items[1].Location);
        Assert.Contains("not valid JSON", items[1].Error);
        Assert.Equal(3, (int)items[2].Record!["id"]!);
        Assert.Equal("events.jsonl line 4", items[3].Location);
        Assert.Contains("an array, not a JSON object", items[3].Error);
    }

    [Fact]
    public void Jsonl_reads_a_byte_order_mark_crlf_and_a_last_line_without_a_newline()
    {
        var path = Write("bom.jsonl", "{\"id\":1,\"name\":\"Zoë\"}\r\n{\"id\":2}", bom: true);

        var records = ConnectorRun.Records(Read(path));

        Assert.Equal([1, 2], records.Select(r => (int)r["id"]!));
        Assert.Equal("Zoë", (string)records[0]["name"]!);
    }

    [Fact]
    public void Jsonl_in_utf16_with_a_byte_order_mark_is_decoded()
    {
        var path = Path.Combine(_folder, "wide.jsonl");
        File.WriteAllText(path, "{\"id\":1,\"name\":\"Zoë\"}\n\n{\"id\": oops}\n", new UnicodeEncoding(bigEndian: false, byteOrderMark: true));

        var items = Read(path);

        Assert.Equal("Zoë", (string)items[0].Record!["name"]!);
        Assert.Equal("wide.jsonl line 3", items[1].Location);
    }

    [Fact]
    public void Jsonl_lines_longer_than_the_read_buffer_are_read_whole()
    {
        var long1 = new string('a', 200_000);
        var long2 = new string('é', 150_000);
        var path = Write("long.jsonl", $"{{\"s\":\"{long1}\"}}\n{{\"id\": bad {long1}}}\n{{\"s\":\"{long2}\"}}\n{{\"id\":4}}\n");

        var items = Read(path);

        Assert.Equal(long1, (string)items[0].Record!["s"]!);
        Assert.Equal("long.jsonl line 2", items[1].Location);
        Assert.Equal(long2, (string)items[2].Record!["s"]!);
        Assert.Equal(4, (int)items[3].Record!["id"]!);
    }

    [Fact]
    public void Jsonl_read_transiently_hands_over_parsed_records_whose_objects_stay_valid()
    {
        var lines = Enumerable.Range(1, 5000).Select(i => $"{{\"id\":{i},\"customer\":{{\"country\":\"{(i % 2 == 0 ? "US" : "DE")}\"}}}}");
        var path = Write("many.jsonl", string.Join("\n", lines) + "\n\n{\"id\": oops}\n");
        var kept = new List<JsonObject>();
        var ids = new List<int>();

        foreach (var item in new FileConnector().ReadTransient(ConnectorRun.Settings(new JsonObject { ["path"] = path }), _run.Context))
        {
            if (item.IsError)
            {
                Assert.Equal("many.jsonl line 5002", item.Location);
                continue;
            }

            Assert.NotNull(item.Raw);
            ids.Add(item.Raw!.Element.GetProperty("id").GetInt32());
            if (item.Raw.Element.GetProperty("customer").GetProperty("country").ValueEquals("US"))
            {
                kept.Add(item.Record!);
            }
        }

        Assert.Equal(Enumerable.Range(1, 5000), ids);
        // The documents behind the raw records are long gone; the objects taken from them still read.
        Assert.Equal(Enumerable.Range(1, 2500).Select(i => i * 2), kept.Select(r => (int)r["id"]!));
        Assert.All(kept, r => Assert.Equal("US", (string)r["customer"]!["country"]!));
    }

    // ---- json ----

    [Fact]
    public void Json_top_level_array_yields_each_element_and_fails_non_objects()
    {
        var path = Write("orders.json", "[\n  {\"id\": 1},\n  \"text\",\n  {\"id\": 3, \"lines\": [{\"sku\": \"a\"}]}\n]", bom: true);

        var items = Read(path);

        Assert.Equal(3, items.Count);
        Assert.Equal("orders.json item 2 (line 3)", items[1].Location);
        Assert.Contains("a string", items[1].Error);
        Assert.Equal("a", (string)items[2].Record!["lines"]![0]!["sku"]!);
    }

    [Fact]
    public void Json_top_level_object_is_one_record()
    {
        var path = Write("config.json", "{\"id\": 1, \"tags\": [\"a\"]}");

        var record = Assert.Single(ConnectorRun.Records(Read(path)));
        Assert.Equal(1, (int)record["id"]!);
    }

    [Fact]
    public void Json_records_path_selects_the_array_and_records_stand_alone()
    {
        var path = Write("export.json", "{\"meta\": {\"count\": 2}, \"data\": {\"rows\": [{\"id\": 1}, {\"id\": 2}]}}");

        var records = ConnectorRun.Records(Read(path, new JsonObject { ["records_path"] = "data.rows" }));

        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Null(r.Parent));
        _ = new JsonArray(records[0], records[1]);
    }

    [Fact]
    public void Json_records_path_that_is_missing_is_an_error()
    {
        var path = Write("export.json", "{\"data\": []}");

        var error = Assert.Throws<MuxlyException>(() => Read(path, new JsonObject { ["records_path"] = "rows" }));

        Assert.Contains("rows", error.Message);
    }

    [Fact]
    public void Json_syntax_error_in_an_array_names_the_file_and_line()
    {
        var path = Write("broken.json", "[\n{\"id\": 1},\n{\"id\": 2,,}\n]");

        var error = Assert.Throws<MuxlyException>(() => Read(path));

        Assert.Equal("MuxlyConnectorFileInvalid", error.ErrorId);
        Assert.Contains("broken.json", error.Message);
        Assert.Contains("line 3", error.Message);
    }

    [Fact]
    public void Json_array_elements_larger_than_the_read_buffer_are_read_whole()
    {
        var big = new string('x', 200_000);
        var path = Write("big.json", $"[{{\"id\":1,\"s\":\"{big}\"}},\n{{\"id\":2,\"s\":\"{big}\"}},\n{{\"id\":3}}]");

        var items = Read(path);

        Assert.Equal(["1", "2", "3"], Values(items, "id"));
        Assert.Equal(big, (string)items[1].Record!["s"]!);
    }

    [Fact]
    public void Json_empty_file_yields_nothing_with_a_warning()
    {
        var path = Write("empty.json", "  \n");

        Assert.Empty(Read(path));
        Assert.Contains(_run.Warnings, w => w.Contains("empty.json is empty"));
    }

    // ---- streaming ----

    [Fact]
    public void Large_jsonl_and_json_array_files_are_read_lazily()
    {
        var lines = Path.Combine(_folder, "large.jsonl");
        var array = Path.Combine(_folder, "large.json");
        using (var jsonl = new StreamWriter(lines))
        using (var json = new StreamWriter(array))
        {
            json.Write('[');
            for (var i = 0; i < 200_000; i++)
            {
                jsonl.WriteLine($"{{\"id\":{i},\"name\":\"customer {i}\"}}");
                json.Write(i == 0 ? "\n" : ",\n");
                json.Write($"{{\"id\":{i},\"name\":\"customer {i}\"}}");
            }

            json.Write("\n]");
        }

        foreach (var path in new[] { lines, array })
        {
            var first = new FileConnector().Read(ConnectorRun.Settings(new JsonObject { ["path"] = path }), _run.Context).Take(3).ToList();
            Assert.Equal([0, 1, 2], first.Select(item => (int)item.Record!["id"]!));
        }

        var last = new FileConnector().Read(ConnectorRun.Settings(new JsonObject { ["path"] = array }), _run.Context).Last();
        Assert.Equal(199_999, (int)last.Record!["id"]!);
    }

    // ---- wildcards and missing files ----

    [Fact]
    public void Wildcard_reads_every_matching_file_in_order()
    {
        Write("orders-2024-02.jsonl", "{\"n\":3}\n");
        Write("orders-2024-01.jsonl", "{\"n\":1}\n{\"n\":2}\n");
        Write("orders-2024-01.jsonl.bak", "{\"n\":99}\n");
        Write("refunds-2024-01.jsonl", "{\"n\":98}\n");

        Assert.Equal(["1", "2", "3"], Values(Read(Path.Combine(_folder, "orders-*.jsonl")), "n"));
    }

    [Fact]
    public void Missing_file_is_a_not_found_error()
    {
        var error = Assert.Throws<MuxlyException>(() => Read(Path.Combine(_folder, "nope.csv")));

        Assert.Equal(MuxlyErrorKind.NotFound, error.Kind);
        Assert.Equal("MuxlyConnectorFileNotFound", error.ErrorId);
        Assert.Contains("nope.csv", error.Message);
    }

    [Fact]
    public void Wildcard_matching_nothing_is_a_not_found_error()
    {
        var error = Assert.Throws<MuxlyException>(() => Read(Path.Combine(_folder, "orders-*.jsonl")));

        Assert.Equal("MuxlyConnectorFileNotFound", error.ErrorId);
        Assert.Contains("No file matches", error.Message);
    }

    // ---- csv ----

    [Fact]
    public void Csv_handles_quotes_embedded_delimiters_newlines_and_a_bom()
    {
        var path = Write("customers.csv",
            "id,name,note\r\n1,\"Smith, Jane\",\"said \"\"hi\"\"\"\r\n2,Bob,\"two\nlines\"\r\n3,,plain\r\n", bom: true);

        var records = ConnectorRun.Records(Read(path));

        Assert.Equal(3, records.Count);
        Assert.Equal("1", (string)records[0]["id"]!);
        Assert.Equal("Smith, Jane", (string)records[0]["name"]!);
        Assert.Equal("said \"hi\"", (string)records[0]["note"]!);
        Assert.Equal("two\nlines", (string)records[1]["note"]!);
        Assert.Equal(string.Empty, (string)records[2]["name"]!);
    }

    [Fact]
    public void Csv_row_with_too_many_fields_fails_with_its_line_and_reading_goes_on()
    {
        var path = Write("orders.csv", "a,b,c,d\n1,2,3,4\n\"x\ny\",2,3,4\n1,2,3,4,5\n6,7,8,9\n");

        var items = Read(path);

        Assert.Equal(4, items.Count);
        var failed = items[2];
        Assert.True(failed.IsError);
        Assert.Equal("orders.csv line 5", failed.Location);
        Assert.Contains("has 5 fields, the header has 4", failed.Error);
        Assert.Equal("6", (string)items[3].Record!["a"]!);
    }

    [Fact]
    public void Csv_row_with_fewer_fields_leaves_the_missing_ones_null()
    {
        var path = Write("short.csv", "a,b,c\n1,2\n");

        var record = Assert.Single(ConnectorRun.Records(Read(path)));

        Assert.Equal("2", (string)record["b"]!);
        Assert.True(record.ContainsKey("c"));
        Assert.Null(record["c"]);
    }

    [Fact]
    public void Csv_unterminated_quote_fails_naming_where_it_opened()
    {
        var path = Write("open.csv", "a,b\n1,2\n3,\"never closed\n4,5\n");

        var items = Read(path);

        Assert.Equal(2, items.Count);
        Assert.Equal("open.csv line 3", items[1].Location);
        Assert.Contains("opened on line 3", items[1].Error);
    }

    [Fact]
    public void Csv_infer_types_turns_numbers_booleans_and_empty_fields_into_json()
    {
        var path = Write("typed.csv", "int,dec,flag,empty,zip,text\n42,-1.5e2,true,,007,12 apples\n");

        var record = Assert.Single(ConnectorRun.Records(Read(path, new JsonObject { ["infer_types"] = true })));

        Assert.Equal(42, (int)record["int"]!);
        Assert.Equal(-150.0, (double)record["dec"]!);
        Assert.True((bool)record["flag"]!);
        Assert.Null(record["empty"]);
        Assert.Equal("007", (string)record["zip"]!);
        Assert.Equal("12 apples", (string)record["text"]!);
    }

    [Fact]
    public void Csv_delimiter_and_headerless_files()
    {
        var path = Write("plain.txt", "1;a\n2;b\n");

        var records = ConnectorRun.Records(Read(path, new JsonObject { ["format"] = "csv", ["delimiter"] = ";", ["header"] = false }));

        Assert.Equal(["1", "2"], records.Select(r => (string)r["column1"]!));
        Assert.Equal("b", (string)records[1]["column2"]!);
    }

    [Fact]
    public void Csv_duplicate_header_names_are_an_error()
    {
        var path = Write("dup.csv", "id,id\n1,2\n");

        var error = Assert.Throws<MuxlyException>(() => Read(path));

        Assert.Contains("'id' more than once", error.Message);
    }

    // ---- settings and Test ----

    [Theory]
    [InlineData("""{}""", "path")]
    [InlineData("""{"path":42}""", "path")]
    [InlineData("""{"path":"/data/x.txt"}""", "format")]
    [InlineData("""{"path":"/data/x.json","format":"xml"}""", "format")]
    [InlineData("""{"path":"/data/*/x.json"}""", "path")]
    [InlineData("""{"path":"/data/x.csv","records_path":"data"}""", "records_path")]
    [InlineData("""{"path":"/data/x.csv","delimiter":";;"}""", "delimiter")]
    [InlineData("""{"path":"/data/x.csv","header":"maybe"}""", "header")]
    public void Bad_settings_are_rejected_naming_the_key(string connection, string key)
    {
        var error = Assert.Throws<MuxlyException>(() => new FileConnector().Validate(JsonNode.Parse(connection)!.AsObject(), []));

        Assert.Equal("MuxlyConnectorSettingsInvalid", error.ErrorId);
        Assert.Equal(key, error.Target);
    }

    [Fact]
    public void Dynamic_values_in_the_path_are_accepted_when_saved()
    {
        new FileConnector().Validate(new JsonObject { ["path"] = "${env:DATA_DIR}/orders-${DATE}.jsonl" }, []);
    }

    [Fact]
    public void Test_reports_how_many_files_match()
    {
        Write("a-1.csv", "x\n1\n");
        Write("a-2.csv", "x\n2\n");

        var result = _run.Test(new FileConnector(), new JsonObject { ["path"] = Path.Combine(_folder, "a-*.csv") });

        Assert.True(result.Success, result.Message);
        Assert.Contains("2 files match", result.Message);
    }

    [Fact]
    public void Test_says_why_when_no_file_matches()
    {
        var result = _run.Test(new FileConnector(), new JsonObject { ["path"] = Path.Combine(_folder, "a-*.csv") });

        Assert.False(result.Success);
        Assert.Contains("No file matches", result.Message);
    }
}
