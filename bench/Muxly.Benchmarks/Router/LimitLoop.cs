using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Muxly.Benchmarks.Router;

/// <summary>
/// The "limit" of the end-to-end comparison: the fastest plain C# loop we can write for each workload, hard-coded.
/// It reads UTF-8 lines without decoding them, parses each into a pooled <see cref="JsonDocument"/>, tests the
/// condition, and writes the matching records with a reused <see cref="Utf8JsonWriter"/> (or CSV bytes) into a buffer
/// flushed in large blocks. One thread, like the tools it is compared with. No configurable product can beat it; the
/// report says how close the router comes.
/// </summary>
public static class LimitLoop
{
    public static readonly string[] Workloads = ["short", "long", "csv"];

    private static readonly string[] CsvColumns = ["id", "created_at", "status", "currency", "revenue", "category", "customer_id", "country", "note"];

    /// <summary>Runs <paramref name="workload"/> from <paramref name="input"/> to <paramref name="output"/>; returns records read and written.</summary>
    public static (long Read, long Written) Run(string workload, string input, string output)
    {
        using var source = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using var target = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
        var lines = new JsonLines(source);
        long read = 0, written = 0;
        if (workload == "csv")
        {
            WriteCsvHeader(buffer);
        }

        while (lines.TryRead(out var line))
        {
            read++;
            using var document = JsonDocument.Parse(line);
            var record = document.RootElement;
            if (!Matches(record))
            {
                continue;
            }

            written++;
            switch (workload)
            {
                case "short":
                    WriteShort(writer, record);
                    break;
                case "long":
                    WriteLong(writer, record);
                    break;
                case "csv":
                    WriteCsv(buffer, record);
                    break;
                default:
                    throw new ArgumentException($"Unknown workload '{workload}'. Workloads: {string.Join(", ", Workloads)}.");
            }

            if (workload != "csv")
            {
                writer.Flush();
                writer.Reset();
                buffer.GetSpan(1)[0] = (byte)'\n';
                buffer.Advance(1);
            }

            if (buffer.WrittenCount >= 1 << 19)
            {
                target.Write(buffer.WrittenSpan);
                buffer.ResetWrittenCount();
            }
        }

        target.Write(buffer.WrittenSpan);
        return (read, written);
    }

    // amount > 1000 AND customer.country == 'US'
    private static bool Matches(JsonElement record) =>
        record.TryGetProperty("amount"u8, out var amount) && amount.ValueKind == JsonValueKind.Number && amount.GetDouble() > 1000
        && record.TryGetProperty("customer"u8, out var customer) && customer.ValueKind == JsonValueKind.Object
        && customer.TryGetProperty("country"u8, out var country) && country.ValueKind == JsonValueKind.String
        && country.ValueEquals("US"u8);

    // rename amount to revenue, set category to 'high'
    private static void WriteShort(Utf8JsonWriter writer, JsonElement record)
    {
        writer.WriteStartObject();
        foreach (var property in record.EnumerateObject())
        {
            if (property.NameEquals("amount"u8))
            {
                writer.WritePropertyName("revenue"u8);
                property.Value.WriteTo(writer);
            }
            else
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteString("category"u8, "high"u8);
        writer.WriteEndObject();
    }

    // The long chain: rename amount to revenue; category = 'high'; tax = revenue * 0.2;
    // label = '{{customer.name}} ({{customer.country}})'; remove note; rename customer.id to customer_id.
    private static void WriteLong(Utf8JsonWriter writer, JsonElement record)
    {
        writer.WriteStartObject();
        double revenue = 0;
        foreach (var property in record.EnumerateObject())
        {
            if (property.NameEquals("amount"u8))
            {
                revenue = property.Value.GetDouble();
                writer.WritePropertyName("revenue"u8);
                property.Value.WriteTo(writer);
            }
            else if (property.NameEquals("note"u8))
            {
            }
            else if (property.NameEquals("customer"u8))
            {
                writer.WriteStartObject("customer"u8);
                foreach (var field in property.Value.EnumerateObject())
                {
                    if (!field.NameEquals("id"u8))
                    {
                        field.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }
            else
            {
                property.WriteTo(writer);
            }
        }

        var customer = record.GetProperty("customer"u8);
        writer.WriteString("category"u8, "high"u8);
        writer.WriteNumber("tax"u8, revenue * 0.2);
        writer.WriteString("label"u8, customer.GetProperty("name"u8).GetString() + " (" + customer.GetProperty("country"u8).GetString() + ")");
        writer.WritePropertyName("customer_id"u8);
        customer.GetProperty("id"u8).WriteTo(writer);
        writer.WriteEndObject();
    }

    private static void WriteCsvHeader(ArrayBufferWriter<byte> buffer)
    {
        Append(buffer, Encoding.UTF8.GetBytes(string.Join(',', CsvColumns) + "\n"));
    }

    // The short chain, with customer.id and customer.country moved up to columns and items and customer dropped.
    private static void WriteCsv(ArrayBufferWriter<byte> buffer, JsonElement record)
    {
        var customer = record.GetProperty("customer"u8);
        WriteCell(buffer, record.GetProperty("id"u8), ",");
        WriteCell(buffer, record.GetProperty("created_at"u8), ",");
        WriteCell(buffer, record.GetProperty("status"u8), ",");
        WriteCell(buffer, record.GetProperty("currency"u8), ",");
        WriteCell(buffer, record.GetProperty("amount"u8), ",");
        Append(buffer, "high,"u8);
        WriteCell(buffer, customer.GetProperty("id"u8), ",");
        WriteCell(buffer, customer.GetProperty("country"u8), ",");
        WriteCell(buffer, record.GetProperty("note"u8), "\n");
    }

    private static void WriteCell(ArrayBufferWriter<byte> buffer, JsonElement value, string separator)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!;
            if (text.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                text = "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            }

            var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
            buffer.Advance(Encoding.UTF8.GetBytes(text, span));
        }
        else
        {
            Append(buffer, JsonMarshal.GetRawUtf8Value(value));
        }

        Append(buffer, separator == "," ? ","u8 : "\n"u8);
    }

    private static void Append(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.GetSpan(bytes.Length));
        buffer.Advance(bytes.Length);
    }
}
