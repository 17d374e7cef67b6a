using System.Text;
using System.Text.Json.Nodes;
using Muxly.Destinations;
using Muxly.Destinations.Files;
using Muxly.Router.Runs;

namespace Muxly.Tests.Destinations;

public sealed class FileDestinationTests : IDisposable
{
    // 13:05 on 24 November 2026, at UTC+1: the clock every run in these tests starts at.
    private static readonly DateTimeOffset Clock = new(2026, 11, 24, 13, 5, 0, TimeSpan.FromHours(1));

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "muxly-file-dest-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _warnings = [];

    public FileDestinationTests()
    {
        Directory.CreateDirectory(_folder);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Jsonl_is_one_compact_object_per_line_in_utf8_without_bom()
    {
        var records = SampleRecords();

        Run(Config("out.jsonl"), records);

        var bytes = File.ReadAllBytes(InFolder("out.jsonl"));
        Assert.NotEqual(0xEF, bytes[0]);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain("\r", text);
        Assert.EndsWith("}\n", text);
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal(records.Length, lines.Length);
        for (var i = 0; i < records.Length; i++)
        {
            Assert.True(JsonNode.DeepEquals(records[i], JsonNode.Parse(lines[i])), lines[i]);
        }

        Assert.Contains("Zoë", text); // written as UTF-8, not \u escapes
    }

    [Fact]
    public void Json_is_an_array_of_the_records()
    {
        var records = SampleRecords();

        Run(Config("out.json"), records);

        AssertArrayHolds(InFolder("out.json"), records);
    }

    [Fact]
    public void Json_with_no_records_is_an_empty_array()
    {
        Run(Config("out.json"), []);

        Assert.Equal("[]\n", File.ReadAllText(InFolder("out.json")));
    }

    [Fact]
    public void Csv_has_a_header_from_the_first_record_flattened_and_rfc4180_quoted()
    {
        var records = new[]
        {
            Obj("""{"id":1,"name":"Smith, Jo","note":"said \"hi\"\nthen left","user":{"country":"FR","age":40},"tags":["a","b"],"gone":null,"ok":true}"""),
            Obj("""{"id":2.5,"name":"Zoë","note":"","user":{"country":"DE"},"tags":[],"ok":false}"""),
        };

        Run(Config("out.csv"), records);

        var expected =
            "id,name,note,user.country,user.age,tags,gone,ok\r\n" +
            "1,\"Smith, Jo\",\"said \"\"hi\"\"\nthen left\",FR,40,\"[\"\"a\"\",\"\"b\"\"]\",,true\r\n" +
            "2.5,Zoë,,DE,,[],,false\r\n";
        Assert.Equal(expected, File.ReadAllText(InFolder("out.csv")));
    }

    [Fact]
    public void Csv_leaves_out_fields_that_are_not_columns_and_warns_once()
    {
        Run(Config("out.csv"), [Obj("""{"a":1}"""), Obj("""{"a":2,"b":3}"""), Obj("""{"c":4}""")]);

        Assert.Equal("a\r\n1\r\n2\r\n\r\n", File.ReadAllText(InFolder("out.csv")));
        var warning = Assert.Single(_warnings);
        Assert.Contains("(b)", warning);
    }

    [Fact]
    public void Appending_to_a_csv_keeps_one_header_and_the_existing_column_order()
    {
        Run(Config("out.csv"), [Obj("""{"a":1,"b":"x"}""")]);
        Run(Config("out.csv"), [Obj("""{"b":"y","a":2}""")]);

        Assert.Equal("a,b\r\n1,x\r\n2,y\r\n", File.ReadAllText(InFolder("out.csv")));
    }

    [Fact]
    public void Appending_to_a_csv_without_a_final_line_break_starts_a_new_line()
    {
        File.WriteAllText(InFolder("out.csv"), "a,\"b,c\"\r\n1,2");

        Run(Config("out.csv"), [Obj("""{"a":3,"b,c":4}""")]);

        Assert.Equal("a,\"b,c\"\r\n1,2\r\n3,4\r\n", File.ReadAllText(InFolder("out.csv")));
    }

    [Fact]
    public void Appending_to_json_keeps_it_one_valid_array()
    {
        var first = SampleRecords();
        var second = new[] { Obj("""{"id":99}""") };

        Run(Config("out.json"), first);
        Run(Config("out.json"), second);

        AssertArrayHolds(InFolder("out.json"), [.. first, .. second]);
    }

    [Fact]
    public void Appending_to_a_hand_written_json_array_continues_it()
    {
        File.WriteAllText(InFolder("out.json"), "[ {\"id\":1} ]  \n\n");

        Run(Config("out.json"), [Obj("""{"id":2}""")]);

        AssertArrayHolds(InFolder("out.json"), [Obj("""{"id":1}"""), Obj("""{"id":2}""")]);
    }

    [Fact]
    public void Appending_to_an_empty_json_array_fills_it()
    {
        File.WriteAllText(InFolder("out.json"), "[]");

        Run(Config("out.json"), [Obj("""{"id":2}""")]);

        AssertArrayHolds(InFolder("out.json"), [Obj("""{"id":2}""")]);
    }

    [Fact]
    public void Appending_to_a_json_file_that_is_not_an_array_is_refused_and_changes_nothing()
    {
        File.WriteAllText(InFolder("out.json"), """{"id":1}""");

        var error = Assert.Throws<MuxlyException>(() => Open(Config("out.json")));

        Assert.Equal("MuxlyDestinationFileInvalid", error.ErrorId);
        Assert.Contains(InFolder("out.json"), error.Message);
        Assert.Equal("""{"id":1}""", File.ReadAllText(InFolder("out.json")));
    }

    [Fact]
    public void A_run_that_writes_nothing_leaves_an_existing_file_byte_for_byte()
    {
        File.WriteAllText(InFolder("out.json"), "[\n{\"id\":1}\n]   ");

        Run(Config("out.json"), []);

        Assert.Equal("[\n{\"id\":1}\n]   ", File.ReadAllText(InFolder("out.json")));
    }

    [Fact]
    public void Appending_without_complete_keeps_what_was_written_and_the_json_valid()
    {
        Run(Config("out.json"), [Obj("""{"id":1}""")]);

        using (var writer = Open(Config("out.json")))
        {
            writer.Write(Obj("""{"id":2}"""));
        }

        AssertArrayHolds(InFolder("out.json"), [Obj("""{"id":1}"""), Obj("""{"id":2}""")]);
    }

    [Theory]
    [InlineData("out.jsonl", false)]
    [InlineData("out.jsonl", true)]
    [InlineData("out.json", true)]
    [InlineData("out.csv", true)]
    public async Task Two_runs_appending_to_one_file_take_turns_and_keep_every_record(string name, bool secondWrites)
    {
        var logs = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var first = Open(Config(name));
        first.Write(Obj("""{"id":1}"""));

        // The second run opens the same file while the first still has it: it waits, then appends after it.
        var second = Task.Run(() =>
        {
            using var writer = Open(Config(name), new RunContext(Clock, log: logs.Enqueue));
            if (secondWrites)
            {
                writer.Write(Obj("""{"id":2}"""));
            }

            writer.Complete();
        });
        Assert.True(SpinWait.SpinUntil(() => !logs.IsEmpty, TimeSpan.FromSeconds(10)), "the second run did not wait for the first");
        Assert.False(second.IsCompleted);
        first.Write(Obj("""{"id":3}"""));
        first.Complete();
        first.Dispose();
        await second.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("being written by another run", logs.First());
        var ids = name.EndsWith(".csv", StringComparison.Ordinal)
            ? File.ReadAllLines(InFolder(name)).Skip(1).Select(int.Parse).ToArray()
            : name.EndsWith(".jsonl", StringComparison.Ordinal)
                ? File.ReadAllLines(InFolder(name)).Select(l => (int)JsonNode.Parse(l)!["id"]!).ToArray()
                : JsonNode.Parse(File.ReadAllText(InFolder(name)))!.AsArray().Select(r => (int)r!["id"]!).ToArray();
        Assert.Equal(secondWrites ? [1, 3, 2] : [1, 3], ids);
    }

    [Theory]
    [InlineData("out.json")]
    [InlineData("out.jsonl")]
    [InlineData("out.csv")]
    public void Replace_without_complete_leaves_the_old_file_and_no_temporary_file(string name)
    {
        File.WriteAllText(InFolder(name), "old content");
        var config = Config(name, """ "mode":"replace" """);

        using (var writer = Open(config))
        {
            writer.Write(Obj("""{"id":1}"""));
            Assert.Equal("old content", File.ReadAllText(InFolder(name))); // nothing visible before Complete
        }

        Assert.Equal("old content", File.ReadAllText(InFolder(name)));
        Assert.Equal([name], FilesInFolder());
    }

    [Fact]
    public void Replace_puts_the_new_content_in_place_on_complete()
    {
        File.WriteAllText(InFolder("out.jsonl"), "old content\n");

        Run(Config("out.jsonl", """ "mode":"replace" """), [Obj("""{"id":1}"""), Obj("""{"id":2}""")]);

        Assert.Equal("{\"id\":1}\n{\"id\":2}\n", File.ReadAllText(InFolder("out.jsonl")));
        Assert.Equal(["out.jsonl"], FilesInFolder());
    }

    [Fact]
    public void Replace_creates_the_file_when_there_is_none()
    {
        Run(Config("out.csv", """ "mode":"replace" """), [Obj("""{"id":1}""")]);

        Assert.Equal("id\r\n1\r\n", File.ReadAllText(InFolder("out.csv")));
    }

    [Fact]
    public void The_path_expands_dynamic_values_from_the_run_clock()
    {
        Run(Config("${YEAR}/${MONTH}/out-${DATE}.jsonl"), [Obj("""{"id":1}""")]);

        Assert.True(File.Exists(InFolder("2026/11/out-2026-11-24.jsonl")));
    }

    [Fact]
    public void Daily_rotation_puts_the_date_before_the_extension()
    {
        Run(Config("out.jsonl", """ "rotation":"daily" """), [Obj("""{"id":1}""")]);

        Assert.Equal(["out-2026-11-24.jsonl"], FilesInFolder());
    }

    [Fact]
    public void Hourly_rotation_puts_the_date_and_hour_before_the_extension()
    {
        Run(Config("out.csv", """ "rotation":"hourly", "mode":"replace" """), [Obj("""{"id":1}""")]);
        Run(Config("out.csv", """ "rotation":"hourly" """), [Obj("""{"id":2}""")], new RunContext(Clock.AddHours(1)));

        Assert.Equal(["out-2026-11-24T13.csv", "out-2026-11-24T14.csv"], FilesInFolder());
    }

    [Fact]
    public void Size_rotation_starts_numbered_files_that_each_stay_under_max_bytes()
    {
        // Each line is {"id":N,"pad":"xxxxxxxxxx"} plus \n: 30 or 31 bytes. At most three fit in 100 bytes.
        var records = Enumerable.Range(1, 10).Select(i => Obj($$"""{"id":{{i}},"pad":"xxxxxxxxxx"}""")).ToArray();
        var config = Config("out.jsonl", """ "rotation":"size", "max_bytes":100 """);

        Run(config, records[..5]);
        Run(config, records[5..]); // continues in the newest file of the series

        Assert.Equal(["out.1.jsonl", "out.2.jsonl", "out.3.jsonl", "out.jsonl"], FilesInFolder());
        var series = new[] { "out.jsonl", "out.1.jsonl", "out.2.jsonl", "out.3.jsonl" }.Select(InFolder).ToArray();
        Assert.All(series, f => Assert.True(new FileInfo(f).Length <= 100, f));
        var lines = series.SelectMany(File.ReadAllLines).ToArray();
        Assert.Equal(records.Select(r => r.ToJsonString()), lines);
    }

    [Fact]
    public void Size_rotation_gives_every_csv_and_json_file_its_own_header_or_brackets()
    {
        var records = Enumerable.Range(1, 6).Select(i => Obj($$"""{"id":{{i}},"name":"n{{i}}"}""")).ToArray();

        Run(Config("out.csv", """ "rotation":"size", "max_bytes":30 """), records);
        Run(Config("out.json", """ "rotation":"size", "max_bytes":60 """), records);

        var csvFiles = FilesInFolder().Where(f => f.EndsWith(".csv")).ToArray();
        Assert.True(csvFiles.Length > 1);
        Assert.All(csvFiles, f => Assert.StartsWith("id,name\r\n", File.ReadAllText(InFolder(f))));
        var jsonFiles = FilesInFolder().Where(f => f.EndsWith(".json")).ToArray();
        Assert.True(jsonFiles.Length > 1);
        var all = new[] { "out.json" }.Concat(Enumerable.Range(1, jsonFiles.Length - 1).Select(n => $"out.{n}.json"))
            .SelectMany(f => JsonNode.Parse(File.ReadAllText(InFolder(f)))!.AsArray()).ToArray();
        Assert.Equal(records.Select(r => r.ToJsonString()), all.Select(r => r!.ToJsonString()));
    }

    [Fact]
    public void A_folder_under_a_regular_file_fails_at_open_naming_the_folder_and_writes_nothing()
    {
        File.WriteAllText(InFolder("blocker"), "a file, not a folder");
        var folder = InFolder(Path.Combine("blocker", "sub"));

        var error = Assert.Throws<MuxlyException>(() => Open(Config(Path.Combine("blocker", "sub", "out.jsonl"))));

        Assert.Equal("MuxlyDestinationFolderNotWritable", error.ErrorId);
        Assert.Contains(folder, error.Message);
        Assert.Equal(["blocker"], FilesInFolder());
        Assert.Equal("a file, not a folder", File.ReadAllText(InFolder("blocker")));
    }

    [Fact]
    public void A_missing_folder_with_create_folder_false_fails_at_open()
    {
        var error = Assert.Throws<MuxlyException>(() => Open(Config(Path.Combine("missing", "out.jsonl"), """ "create_folder":false """)));

        Assert.Equal("MuxlyDestinationFolderNotWritable", error.ErrorId);
        Assert.Contains(InFolder("missing"), error.Message);
        Assert.False(Directory.Exists(InFolder("missing")));
    }

    [Fact]
    public void Missing_folders_are_created_by_default()
    {
        Run(Config(Path.Combine("a", "b", "out.jsonl")), [Obj("""{"id":1}""")]);

        Assert.True(File.Exists(InFolder(Path.Combine("a", "b", "out.jsonl"))));
    }

    [Fact]
    public void The_default_registry_has_the_file_and_webhook_types()
    {
        Assert.IsType<FileDestination>(DestinationRegistry.Default.Get("file"));
        Assert.IsType<Muxly.Destinations.Webhooks.WebhookDestination>(DestinationRegistry.Default.Get("webhook"));
    }

    private static JsonObject[] SampleRecords() =>
    [
        Obj("""{"id":1,"name":"Zoë","nested":{"list":[1,2,{"x":null}],"flag":true},"amount":12.50}"""),
        Obj("""{"id":2,"name":"line\nbreak and \"quotes\"","empty":{}}"""),
    ];

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    private JsonObject Config(string relativePath, string extra = "")
    {
        var config = Obj($$"""{ {{extra}} }""");
        config["path"] = InFolder(relativePath);
        return config;
    }

    private IDestinationWriter Open(JsonObject config, RunContext? context = null) =>
        new FileDestination().Open(new DestinationSettings("out", config), context ?? new RunContext(Clock, _warnings.Add));

    private void Run(JsonObject config, IEnumerable<JsonObject> records, RunContext? context = null)
    {
        new FileDestination().Validate(config);
        using var writer = Open(config, context);
        foreach (var record in records)
        {
            writer.Write(record);
        }

        writer.Complete();
    }

    private string InFolder(string relative) => Path.Combine(_folder, relative);

    private string[] FilesInFolder() =>
        Directory.GetFiles(_folder).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray();

    private static void AssertArrayHolds(string path, JsonObject[] expected)
    {
        var array = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        Assert.Equal(expected.Length, array.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(JsonNode.DeepEquals(expected[i], array[i]), array[i]?.ToJsonString());
        }
    }
}
