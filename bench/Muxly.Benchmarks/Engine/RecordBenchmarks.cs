using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;

namespace Muxly.Benchmarks.Engine;

/// <summary>Turning one JSONL line into a record (JsonObject) and one record back into a line.</summary>
[MemoryDiagnoser]
public class RecordBenchmarks
{
    private const int Records = 4096;

    private string[] _lines = [];
    private byte[][] _utf8 = [];
    private JsonObject[] _records = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 16);
    private Utf8JsonWriter _writer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _lines = SampleRecords.Lines(Records);
        _utf8 = _lines.Select(Encoding.UTF8.GetBytes).ToArray();
        _records = SampleRecords.Parse(Records);
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public int ParseString()
    {
        var fields = 0;
        foreach (var line in _lines)
        {
            fields += JsonNode.Parse(line)!.AsObject().Count;
        }

        return fields;
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public int ParseUtf8()
    {
        var fields = 0;
        foreach (var line in _utf8)
        {
            fields += JsonNode.Parse(line)!.AsObject().Count;
        }

        return fields;
    }

    // What the router does with a jsonl line: a document over pooled buffers, disposed when the record is done.
    [Benchmark(OperationsPerInvoke = Records)]
    public int ParsePooledDocument()
    {
        var fields = 0;
        foreach (var line in _utf8)
        {
            using var document = JsonDocument.Parse(line.AsMemory());
            fields += document.RootElement.GetPropertyCount();
        }

        return fields;
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public int WriteToJsonString()
    {
        var length = 0;
        foreach (var record in _records)
        {
            length += record.ToJsonString().Length;
        }

        return length;
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public int WriteUtf8JsonWriter()
    {
        var length = 0;
        foreach (var record in _records)
        {
            _buffer.ResetWrittenCount();
            _writer.Reset();
            record.WriteTo(_writer);
            _writer.Flush();
            length += _buffer.WrittenCount;
        }

        return length;
    }
}
