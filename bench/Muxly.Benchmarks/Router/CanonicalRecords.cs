using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Muxly.Benchmarks.Router;

/// <summary>
/// Decides whether several output files hold the same records, whatever order the records and their keys are in and
/// however each tool spells the same number.
/// <para>
/// A record's canonical form is the sorted list of its leaves: each scalar with its path, nested objects joined with
/// <c>.</c> and array elements numbered from 1 (<c>customer.country</c>, <c>items.1.sku</c>), which is also how Miller
/// flattens, so a flattened record equals its nested original. Numbers are compared by value (parsed as doubles and
/// written back in the shortest round-trip form, so <c>1500</c>, <c>1500.0</c>, <c>1.5e3</c> are one value). In JSON,
/// types count: the string <c>"1500"</c> is not the number <c>1500</c>. CSV has no types: every cell is text, and text
/// that reads as a number is compared as that number; a header gives the keys.
/// </para>
/// <para>
/// Each canonical record is reduced to a 128-bit hash; the sorted hashes of each file are compared with the first
/// file's. Where they differ, the records behind the first few differing hashes are printed in canonical form.
/// </para>
/// </summary>
public static class CanonicalRecords
{
    private const int Shown = 3;

    /// <summary>Compares the files; writes a JSON verdict to <paramref name="report"/>; returns whether all agree.</summary>
    public static bool Compare(string format, IReadOnlyList<string> paths, TextWriter report)
    {
        var csv = format switch
        {
            "jsonl" => false,
            "csv" => true,
            _ => throw new ArgumentException($"Unknown format '{format}'; use jsonl or csv."),
        };
        var hashes = paths.Select(path => Hashes(path, csv)).ToList();
        var reference = hashes[0];
        var files = new List<object>();
        var same = true;
        for (var i = 0; i < paths.Count; i++)
        {
            var (missing, extra) = Difference(reference, hashes[i]);
            same &= missing.Count == 0 && extra.Count == 0;
            files.Add(new
            {
                path = paths[i],
                records = hashes[i].Length,
                same = missing.Count == 0 && extra.Count == 0,
                missingCount = missing.Count,
                extraCount = extra.Count,
                missing = Find(paths[0], csv, missing),
                extra = Find(paths[i], csv, extra),
            });
        }

        report.WriteLine(JsonSerializer.Serialize(new { same, files }, new JsonSerializerOptions { WriteIndented = true }));
        return same;
    }

    /// <summary>The canonical form of each record in the file, in file order.</summary>
    public static IEnumerable<string> Read(string path, bool csv) => csv ? ReadCsv(path) : ReadJsonLines(path);

    private static UInt128[] Hashes(string path, bool csv)
    {
        var list = Read(path, csv).Select(Hash).ToArray();
        Array.Sort(list);
        return list;
    }

    private static UInt128 Hash(string canonical)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(canonical), digest);
        return new UInt128(BitConverter.ToUInt64(digest), BitConverter.ToUInt64(digest[8..]));
    }

    // Multiset difference of two sorted arrays: what the reference has that other lacks, and the reverse.
    private static (List<UInt128> Missing, List<UInt128> Extra) Difference(UInt128[] reference, UInt128[] other)
    {
        var missing = new List<UInt128>();
        var extra = new List<UInt128>();
        int i = 0, j = 0;
        while (i < reference.Length || j < other.Length)
        {
            if (j == other.Length || (i < reference.Length && reference[i] < other[j]))
            {
                missing.Add(reference[i++]);
            }
            else if (i == reference.Length || other[j] < reference[i])
            {
                extra.Add(other[j++]);
            }
            else
            {
                i++;
                j++;
            }
        }

        return (missing, extra);
    }

    private static List<string> Find(string path, bool csv, List<UInt128> wanted)
    {
        if (wanted.Count == 0)
        {
            return [];
        }

        var set = wanted.Take(Shown).ToHashSet();
        return Read(path, csv).Where(record => set.Contains(Hash(record))).Distinct().Take(Shown).ToList();
    }

    private static IEnumerable<string> ReadJsonLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var lines = new JsonLines(stream);
        var leaves = new List<KeyValuePair<string, string>>();
        while (lines.TryRead(out var line))
        {
            leaves.Clear();
            using (var document = JsonDocument.Parse(line))
            {
                Flatten(document.RootElement, string.Empty, leaves);
            }

            yield return Join(leaves);
        }
    }

    private static void Flatten(JsonElement element, string path, List<KeyValuePair<string, string>> leaves)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var any = false;
                foreach (var property in element.EnumerateObject())
                {
                    any = true;
                    Flatten(property.Value, path.Length == 0 ? property.Name : path + "." + property.Name, leaves);
                }

                if (!any)
                {
                    leaves.Add(new(path, "{}"));
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, path + "." + (++index).ToString(CultureInfo.InvariantCulture), leaves);
                }

                if (index == 0)
                {
                    leaves.Add(new(path, "[]"));
                }

                break;
            case JsonValueKind.String:
                leaves.Add(new(path, "s:" + element.GetString()));
                break;
            case JsonValueKind.Number:
                leaves.Add(new(path, "n:" + Number(element.GetRawText())));
                break;
            case JsonValueKind.True or JsonValueKind.False:
                leaves.Add(new(path, element.ValueKind == JsonValueKind.True ? "b:true" : "b:false"));
                break;
            default:
                leaves.Add(new(path, "null"));
                break;
        }
    }

    private static string Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value.ToString("R", CultureInfo.InvariantCulture)
            : text;

    private static string Join(List<KeyValuePair<string, string>> leaves)
    {
        leaves.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder();
        foreach (var (key, value) in leaves)
        {
            text.Append(key).Append('=').Append(value).Append('\u001f');
        }

        return text.ToString();
    }

    private static IEnumerable<string> ReadCsv(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        string[]? header = null;
        var leaves = new List<KeyValuePair<string, string>>();
        foreach (var row in CsvRows(reader))
        {
            if (header is null)
            {
                header = row;
                continue;
            }

            if (row.Length == 1 && row[0].Length == 0)
            {
                continue;
            }

            leaves.Clear();
            for (var i = 0; i < header.Length; i++)
            {
                var cell = i < row.Length ? row[i] : string.Empty;
                var number = cell.Length > 0 && !char.IsWhiteSpace(cell[0]) && !char.IsWhiteSpace(cell[^1])
                    && double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value);
                leaves.Add(new(header[i], number ? "n:" + Number(cell) : "s:" + cell));
            }

            yield return Join(leaves);
        }
    }

    // RFC 4180 rows: quoted cells may hold separators, doubled quotes and line breaks.
    private static IEnumerable<string[]> CsvRows(TextReader reader)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        var any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        cell.Append('"');
                        reader.Read();
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    cell.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else if (ch == '\n')
            {
                cells.Add(cell.ToString());
                cell.Clear();
                yield return cells.ToArray();
                cells.Clear();
                any = false;
            }
            else if (ch != '\r')
            {
                cell.Append(ch);
            }
        }

        if (any)
        {
            cells.Add(cell.ToString());
            yield return cells.ToArray();
        }
    }
}
