namespace Muxly.Scheduler;

/// <summary>How a wall-clock reading of a zone maps to instants.</summary>
internal enum LocalTimeKind
{
    /// <summary>The reading happens exactly once.</summary>
    Unique,

    /// <summary>The reading never happens: the clock jumps over it (spring forward).</summary>
    Skipped,

    /// <summary>The reading happens twice: the clock is set back over it (fall back).</summary>
    Repeated,
}

/// <summary>
/// The instants behind one wall-clock reading. For <see cref="LocalTimeKind.Unique"/> both offsets are equal and
/// <see cref="Transition"/> is unused. For the other kinds, <see cref="Transition"/> is the UTC instant at which the
/// offset changes from <see cref="OffsetBefore"/> to <see cref="OffsetAfter"/>.
/// </summary>
internal readonly record struct LocalTimeMapping(
    DateTime Local, LocalTimeKind Kind, TimeSpan OffsetBefore, TimeSpan OffsetAfter, DateTime Transition)
{
    /// <summary>The one instant of a unique reading, or the first (earlier-offset) instant of a repeated one.</summary>
    public DateTimeOffset First => new(Local, OffsetBefore);

    /// <summary>The second (later-offset) instant of a repeated reading.</summary>
    public DateTimeOffset Second => new(Local, OffsetAfter);

    /// <summary>The first valid instant at or after the transition, carrying the new offset.</summary>
    public DateTimeOffset TransitionInstant => new(Reading(Transition, OffsetAfter), OffsetAfter);

    /// <summary>For a repeated reading: the first local reading of the repeated stretch (inclusive).</summary>
    public DateTime RepeatedFrom => Reading(Transition, OffsetAfter);

    /// <summary>For a repeated reading: the local reading at which the repeated stretch ends (exclusive).</summary>
    public DateTime RepeatedUntil => Reading(Transition, OffsetBefore);

    private static DateTime Reading(DateTime utc, TimeSpan offset) =>
        DateTime.SpecifyKind(ZoneTimeline.ClampedAdd(utc, offset), DateTimeKind.Unspecified);
}

/// <summary>
/// Maps wall-clock readings of a <see cref="TimeZoneInfo"/> to instants and back, using only
/// <see cref="TimeZoneInfo.GetUtcOffset(DateTime)"/> on UTC instants. That is the one conversion that behaves the same
/// on every platform; the local-time predicates (IsInvalidTime, IsAmbiguousTime) differ at the edges of a transition
/// between runtimes, and adjustment rules are shaped differently on Windows and on ICU/tzdata systems.
/// </summary>
internal sealed class ZoneTimeline
{
    // Offsets are probed a day either side of a reading: far enough to see both sides of any transition that could
    // affect it (offsets stay within ±14 h), near enough that two transitions are never both in range in practice.
    private static readonly TimeSpan ProbeDistance = TimeSpan.FromDays(1);

    public ZoneTimeline(TimeZoneInfo zone) => Zone = zone;

    public TimeZoneInfo Zone { get; }

    /// <summary>The zone's offset at a UTC instant.</summary>
    public TimeSpan OffsetAt(DateTime utc) => Zone.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    /// <summary>The instant expressed in the zone's wall-clock time with the offset in force then.</summary>
    public DateTimeOffset ToZone(DateTime utc)
    {
        var offset = OffsetAt(utc);
        return new DateTimeOffset(DateTime.SpecifyKind(ClampedAdd(utc, offset), DateTimeKind.Unspecified), offset);
    }

    /// <summary>Works out whether a wall-clock reading happens once, never or twice, and when.</summary>
    public LocalTimeMapping Map(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        var asUtc = DateTime.SpecifyKind(local, DateTimeKind.Utc);
        var early = OffsetAt(ClampedAdd(asUtc, -ProbeDistance));
        var late = OffsetAt(ClampedAdd(asUtc, ProbeDistance));

        if (early == late && IsReadingWithOffset(asUtc, early))
        {
            return new LocalTimeMapping(local, LocalTimeKind.Unique, early, early, default);
        }

        // Every offset that could apply to this reading, then the ones that really do.
        Span<TimeSpan> offsets = [early, late, OffsetAt(ClampedAdd(asUtc, -early)), OffsetAt(ClampedAdd(asUtc, -late))];
        TimeSpan? earliestValid = null, latestValid = null;
        TimeSpan largest = offsets[0], smallest = offsets[0];
        foreach (var offset in offsets)
        {
            largest = offset > largest ? offset : largest;
            smallest = offset < smallest ? offset : smallest;
            if (!IsReadingWithOffset(asUtc, offset))
            {
                continue;
            }

            // A larger offset puts the same reading at an earlier instant.
            if (earliestValid is null || offset > earliestValid)
            {
                earliestValid = offset;
            }

            if (latestValid is null || offset < latestValid)
            {
                latestValid = offset;
            }
        }

        if (earliestValid is { } before && latestValid is { } after)
        {
            if (before == after)
            {
                return new LocalTimeMapping(local, LocalTimeKind.Unique, before, before, default);
            }

            var transition = FindTransition(ClampedAdd(asUtc, -before), ClampedAdd(asUtc, -after));
            return new LocalTimeMapping(local, LocalTimeKind.Repeated, before, after, transition);
        }

        // No offset fits: the reading falls in a gap. The transition lies between the instants the reading would have
        // under the new (larger) offset and under the old (smaller) one.
        var lo = ClampedAdd(asUtc, -largest);
        var hi = ClampedAdd(asUtc, -smallest);
        var gapEnd = OffsetAt(lo) == OffsetAt(hi) ? hi : FindTransition(lo, hi);
        return new LocalTimeMapping(local, LocalTimeKind.Skipped, OffsetAt(lo), OffsetAt(gapEnd), gapEnd);
    }

    private bool IsReadingWithOffset(DateTime localAsUtc, TimeSpan offset) =>
        OffsetAt(ClampedAdd(localAsUtc, -offset)) == offset;

    /// <summary>
    /// The first UTC instant in (<paramref name="lo"/>, <paramref name="hi"/>] whose offset differs from the offset at
    /// <paramref name="lo"/>, found by bisection to the tick. Assumes one transition in the range.
    /// </summary>
    private DateTime FindTransition(DateTime lo, DateTime hi)
    {
        var offsetAtLo = OffsetAt(lo);
        long low = lo.Ticks, high = hi.Ticks;
        while (high - low > 1)
        {
            var mid = low + ((high - low) / 2);
            if (OffsetAt(new DateTime(mid, DateTimeKind.Utc)) == offsetAtLo)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return new DateTime(high, DateTimeKind.Utc);
    }

    /// <summary>Adds without overflowing the calendar: the result sticks at the first or last representable tick.</summary>
    internal static DateTime ClampedAdd(DateTime value, TimeSpan delta)
    {
        var ticks = value.Ticks + delta.Ticks;
        ticks = Math.Clamp(ticks, DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks);
        return new DateTime(ticks, value.Kind);
    }
}
