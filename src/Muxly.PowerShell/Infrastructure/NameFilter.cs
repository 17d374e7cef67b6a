using System.Management.Automation;

namespace Muxly.PowerShell.Infrastructure;

/// <summary>
/// A Get- filter over related names (a rule's destinations, a route's connector): each pattern may use wildcards and
/// matches without regard to case; an exact id is accepted in place of a name.
/// </summary>
internal sealed class NameFilter
{
    private readonly WildcardPattern[]? _patterns;

    public NameFilter(string[]? patterns) =>
        _patterns = patterns?.Select(p => new WildcardPattern(p.Trim(), WildcardOptions.IgnoreCase)).ToArray();

    /// <summary>True when no patterns were given, or one of them matches one of <paramref name="values"/>.</summary>
    public bool Matches(IEnumerable<string?> values) =>
        _patterns is null || values.Any(value => value is not null && _patterns.Any(p => p.IsMatch(value)));
}
