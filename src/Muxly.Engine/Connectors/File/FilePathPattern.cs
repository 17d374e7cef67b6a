using System.IO.Enumeration;

namespace Muxly.Connectors.Files;

/// <summary>
/// The <c>path</c> of a <c>file</c> connector: one file, or a wildcard (<c>*</c>, <c>?</c>) in the file-name part only,
/// such as <c>/data/orders-*.jsonl</c>. Matches are returned in ordinal order of their full path, so that a run reads
/// <c>orders-2024-01</c> before <c>orders-2024-02</c>. Relative paths are relative to the process's current directory;
/// a leading <c>~</c> is the user's home directory.
/// </summary>
internal sealed class FilePathPattern
{
    private FilePathPattern(string text, string directory, string fileName)
    {
        Text = text;
        Directory = directory;
        FileName = fileName;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    public string Directory { get; }

    public string FileName { get; }

    public bool IsWildcard => HasWildcard(FileName);

    /// <summary>Splits the path; a wildcard in the directory part is an error naming the key.</summary>
    public static FilePathPattern Parse(string text, SettingReader reader)
    {
        var expanded = text.Trim();
        if (expanded == "~" || expanded.StartsWith("~/", StringComparison.Ordinal) || expanded.StartsWith("~\\", StringComparison.Ordinal))
        {
            expanded = Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), expanded[1..]);
        }

        var full = Path.GetFullPath(expanded);
        var fileName = Path.GetFileName(full);
        var directory = Path.GetDirectoryName(full) ?? full;
        if (HasWildcard(directory))
        {
            throw reader.Invalid("path", $"may have wildcards only in its file name, not in the folder: '{text}'.");
        }

        if (fileName.Length == 0)
        {
            throw reader.Invalid("path", $"must name a file (or a wildcard of files), not a folder: '{text}'.");
        }

        return new FilePathPattern(text, directory, fileName);
    }

    /// <summary>The matching files in order; a missing file or folder, or no match, is a clear error.</summary>
    public IReadOnlyList<string> Resolve()
    {
        if (!IsWildcard)
        {
            var path = Path.Join(Directory, FileName);
            return System.IO.File.Exists(path)
                ? [path]
                : throw new MuxlyException(MuxlyErrorKind.NotFound, "MuxlyConnectorFileNotFound", $"The file '{Text}' does not exist.", Text);
        }

        if (!System.IO.Directory.Exists(Directory))
        {
            throw new MuxlyException(MuxlyErrorKind.NotFound, "MuxlyConnectorFileNotFound",
                $"No file matches '{Text}': the folder '{Directory}' does not exist.", Text);
        }

        // Matched here rather than by EnumerateFiles' pattern, which on Windows also matches 8.3 short names
        // ('*.csv' would match 'a.csvx').
        var ignoreCase = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS();
        var matches = System.IO.Directory.EnumerateFiles(Directory)
            .Where(file => FileSystemName.MatchesSimpleExpression(FileName, Path.GetFileName(file), ignoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        return matches.Count > 0
            ? matches
            : throw new MuxlyException(MuxlyErrorKind.NotFound, "MuxlyConnectorFileNotFound", $"No file matches '{Text}'.", Text);
    }

    private static bool HasWildcard(string text) => text.AsSpan().IndexOfAny('*', '?') >= 0;
}
