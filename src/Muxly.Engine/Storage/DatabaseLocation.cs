namespace Muxly.Storage;

/// <summary>Where the database file is, per SPEC §2: explicit path, session default, environment, per-user folder.</summary>
public static class DatabaseLocation
{
    public const string EnvironmentVariable = "MUXLY_DATABASE";
    public const string DefaultFileName = "muxly.db";

    /// <summary>Returns the full path of the database to use and where that choice came from.</summary>
    public static (string Path, string Source) Resolve(string? explicitPath, string? sessionDefault)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return (Normalize(explicitPath), "Parameter");
        }

        if (!string.IsNullOrWhiteSpace(sessionDefault))
        {
            return (Normalize(sessionDefault), "Session");
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return (Normalize(fromEnvironment), "Environment");
        }

        return (System.IO.Path.Combine(PerUserFolder(), DefaultFileName), "UserDefault");
    }

    /// <summary>~/.local/share/muxly on Linux (honouring XDG_DATA_HOME), %LOCALAPPDATA%\Muxly on Windows, ~/Library/Application Support/Muxly on macOS.</summary>
    public static string PerUserFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            return System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Muxly");
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsMacOS())
        {
            return System.IO.Path.Combine(home, "Library", "Application Support", "Muxly");
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var dataHome = string.IsNullOrWhiteSpace(xdg) ? System.IO.Path.Combine(home, ".local", "share") : xdg;
        return System.IO.Path.Combine(dataHome, "muxly");
    }

    private static string Normalize(string path)
    {
        var trimmed = path.Trim();
        if (trimmed == "~" || trimmed.StartsWith("~/", StringComparison.Ordinal) || trimmed.StartsWith("~\\", StringComparison.Ordinal))
        {
            trimmed = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), trimmed.Length > 2 ? trimmed[2..] : string.Empty);
        }

        try
        {
            return System.IO.Path.GetFullPath(trimmed);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw MuxlyException.Invalid("MuxlyDatabasePathInvalid", $"'{path}' is not a valid database path: {ex.Message}", path);
        }
    }
}
