using System.Diagnostics.CodeAnalysis;

namespace Muxly.Scheduler;

/// <summary>
/// Finds a time zone by IANA id (<c>Europe/Berlin</c>) or Windows id (<c>W. Europe Standard Time</c>) on any platform.
/// No id means the machine's own zone.
/// </summary>
public static class TimeZoneResolver
{
    /// <summary>Returns the zone, or throws <c>MuxlyTimeZoneUnknown</c> naming the id.</summary>
    public static TimeZoneInfo Find(string? id)
    {
        if (TryFind(id, out var zone))
        {
            return zone;
        }

        throw MuxlyException.Invalid(
            "MuxlyTimeZoneUnknown",
            $"The time zone '{id}' is not known on this computer. Use an IANA id such as 'Europe/Berlin' or a Windows id such as 'W. Europe Standard Time'.",
            id);
    }

    /// <summary>Looks a zone up without throwing; null, empty or blank means <see cref="TimeZoneInfo.Local"/>.</summary>
    public static bool TryFind(string? id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            zone = TimeZoneInfo.Local;
            return true;
        }

        id = id.Trim();
        zone = FindById(id);
        if (zone is not null)
        {
            return true;
        }

        // .NET 6+ converts between the two id families itself when ICU is present; these cover a runtime where the
        // direct lookup only knows one family (such as older Windows builds) but the mapping tables are available.
        if (TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out var ianaId) && FindById(ianaId) is { } fromWindowsId)
        {
            zone = fromWindowsId;
            return true;
        }

        if (TimeZoneInfo.TryConvertIanaIdToWindowsId(id, out var windowsId) && FindById(windowsId) is { } fromIanaId)
        {
            zone = fromIanaId;
            return true;
        }

        zone = null;
        return false;
    }

    private static TimeZoneInfo? FindById(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException or System.Security.SecurityException)
        {
            return null;
        }
    }
}
