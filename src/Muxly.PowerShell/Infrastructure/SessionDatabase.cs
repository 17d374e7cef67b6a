using System.Collections.Concurrent;
using System.Management.Automation.Runspaces;

namespace Muxly.PowerShell.Infrastructure;

/// <summary>The session default database set by Connect-MuxlyDatabase, one per runspace.</summary>
internal static class SessionDatabase
{
    private static readonly ConcurrentDictionary<Guid, string> Defaults = new();

    public static string? Current => Runspace.DefaultRunspace is { } runspace && Defaults.TryGetValue(runspace.InstanceId, out var path) ? path : null;

    public static void Set(string path)
    {
        if (Runspace.DefaultRunspace is { } runspace)
        {
            Defaults[runspace.InstanceId] = path;
        }
    }
}
