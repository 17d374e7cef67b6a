using Muxly.Storage;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Storage;

/// <summary>Which database file a command uses (SPEC §2): explicit path, session default, MUXLY_DATABASE, per-user folder.</summary>
[Collection(EnvironmentVariablesCollection.Name)]
public sealed class DatabaseLocationTests : IDisposable
{
    private readonly EnvironmentScope _environment = new();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "muxly-location-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => _environment.Dispose();

    [Fact]
    public void ExplicitPath_WinsOverEverythingElse()
    {
        _environment.Set(DatabaseLocation.EnvironmentVariable, Path.Combine(_root, "env.db"));

        var (path, source) = DatabaseLocation.Resolve(Path.Combine(_root, "explicit.db"), Path.Combine(_root, "session.db"));

        Assert.Equal(Path.Combine(_root, "explicit.db"), path);
        Assert.Equal("Parameter", source);
    }

    [Fact]
    public void SessionDefault_WinsOverTheEnvironment()
    {
        _environment.Set(DatabaseLocation.EnvironmentVariable, Path.Combine(_root, "env.db"));

        var (path, source) = DatabaseLocation.Resolve(null, Path.Combine(_root, "session.db"));

        Assert.Equal(Path.Combine(_root, "session.db"), path);
        Assert.Equal("Session", source);
    }

    [Fact]
    public void EnvironmentVariable_WinsOverThePerUserFolder()
    {
        _environment.Set(DatabaseLocation.EnvironmentVariable, Path.Combine(_root, "env.db"));

        var (path, source) = DatabaseLocation.Resolve("  ", "");

        Assert.Equal(Path.Combine(_root, "env.db"), path);
        Assert.Equal("Environment", source);
    }

    [Fact]
    public void WithNothingGiven_ThePerUserFolderIsUsed()
    {
        _environment.Set(DatabaseLocation.EnvironmentVariable, null);

        var (path, source) = DatabaseLocation.Resolve(null, null);

        Assert.Equal(Path.Combine(DatabaseLocation.PerUserFolder(), DatabaseLocation.DefaultFileName), path);
        Assert.Equal("UserDefault", source);
    }

    [Fact]
    public void PerUserFolder_OnLinux_HonoursXdgDataHome()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        _environment.Set(DatabaseLocation.EnvironmentVariable, null).Set("XDG_DATA_HOME", Path.Combine(_root, "data"));

        var (path, _) = DatabaseLocation.Resolve(null, null);

        Assert.Equal(Path.Combine(_root, "data", "muxly", "muxly.db"), path);
    }

    [Fact]
    public void PerUserFolder_OnLinux_DefaultsToLocalShareInTheHomeFolder()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        _environment.Set("XDG_DATA_HOME", null);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        Assert.Equal(Path.Combine(home, ".local", "share", "muxly"), DatabaseLocation.PerUserFolder());
    }

    [Fact]
    public void RelativeAndHomePaths_AreMadeFull()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        Assert.Equal(Path.Combine(home, "muxly", "my.db"), DatabaseLocation.Resolve("~/muxly/my.db", null).Path);
        Assert.Equal(Path.GetFullPath("relative.db"), DatabaseLocation.Resolve(" relative.db ", null).Path);
    }

    [Fact]
    public void ResolvingCreatesNothing()
    {
        _environment.Set(DatabaseLocation.EnvironmentVariable, Path.Combine(_root, "env.db"));

        DatabaseLocation.Resolve(null, null);

        Assert.False(Directory.Exists(_root));
    }
}
