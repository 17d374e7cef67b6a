using System.Globalization;

namespace Muxly.Settings;

/// <summary>A setting key Muxly itself reads, with its type, documented default and allowed range.</summary>
public sealed record SettingDefinition(string Key, Type ValueType, object DefaultValue, string Description, long Min = long.MinValue, long Max = long.MaxValue, string[]? AllowedValues = null)
{
    /// <summary>Converts user input (a number, a bool, or their text forms) to this key's type, or says why not.</summary>
    public object Convert(object value)
    {
        if (ValueType == typeof(int))
        {
            long number = value switch
            {
                int i => i,
                long l => l,
                short s => s,
                byte b => b,
                double d when d == Math.Floor(d) && !double.IsInfinity(d) => (long)d,
                decimal m when m == decimal.Truncate(m) => (long)m,
                string text when long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
                _ => throw Invalid(value, "a whole number"),
            };
            if (number < Min || number > Max || number is < int.MinValue or > int.MaxValue)
            {
                throw MuxlyException.Invalid("MuxlySettingValueInvalid", $"The setting '{Key}' must be between {Min} and {Max}; got {number}.", Key);
            }

            return (int)number;
        }

        if (ValueType == typeof(bool))
        {
            return value switch
            {
                bool b => b,
                string text when bool.TryParse(text.Trim(), out var parsed) => parsed,
                int i when i is 0 or 1 => i == 1,
                _ => throw Invalid(value, "true or false"),
            };
        }

        var textValue = System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
        if (AllowedValues is not null && !AllowedValues.Contains(textValue, StringComparer.OrdinalIgnoreCase))
        {
            throw MuxlyException.Invalid("MuxlySettingValueInvalid", $"The setting '{Key}' must be one of {string.Join(", ", AllowedValues)}; got '{textValue}'.", Key);
        }

        return AllowedValues is null ? textValue : textValue.ToLowerInvariant();
    }

    private MuxlyException Invalid(object value, string expected) =>
        MuxlyException.Invalid("MuxlySettingValueInvalid", $"The setting '{Key}' takes {expected}; got '{value}'.", Key);
}

/// <summary>
/// The settings Muxly reads and their defaults. docs/settings.md documents the same list; a test keeps the two in step.
/// </summary>
public static class KnownSettings
{
    public static IReadOnlyList<SettingDefinition> All { get; } =
    [
        new("executions.retention_per_job", typeof(int), 100, "How many executions to keep per job; older ones are pruned in batches.", 1, 1_000_000),
        new("retry.base_delay_seconds", typeof(int), 5, "The first retry's delay; strategies grow from it.", 0, 86_400),
        new("retry.max_delay_seconds", typeof(int), 300, "The longest delay between retries, whatever the strategy.", 0, 86_400),
        new("router.default_error_mode", typeof(string), "continue", "Error handling for routes that do not set their own.", AllowedValues: ["continue", "fail"]),
        new("scheduler.abandoned_after_seconds", typeof(int), 60, "A running execution whose owner has not sent a heartbeat for this long is marked abandoned.", 5, 86_400),
        new("scheduler.catch_up_window_minutes", typeof(int), 60, "Occurrences missed longer ago than this are skipped (and recorded) rather than caught up.", 0, 525_600),
        new("scheduler.heartbeat_seconds", typeof(int), 10, "How often a scheduler records that it is alive; a stale heartbeat marks its executions abandoned.", 1, 3_600),
        new("scheduler.shutdown_grace_seconds", typeof(int), 30, "How long Stop-Job lets running executions finish before cancelling them.", 0, 3_600),
        new("scheduler.time_zone", typeof(string), "", "Time zone for cron schedules without their own (IANA or Windows id); empty means the machine's."),
        new("webhook.listener_prefix", typeof(string), "http://127.0.0.1:8787/", "Where the scheduler's webhook listener binds (loopback unless asked otherwise)."),
        new("webhook.max_body_bytes", typeof(int), 1_048_576, "Largest webhook body accepted; larger requests get 413.", 1, 104_857_600),
        new("webhook.rate_limit_per_minute", typeof(int), 60, "Requests per trigger per minute before 429.", 1, 1_000_000),
        new("webhook.timestamp_tolerance_seconds", typeof(int), 300, "How far a signed webhook's timestamp may be from now.", 1, 86_400),
    ];

    private static readonly Dictionary<string, SettingDefinition> ByKey = All.ToDictionary(s => s.Key, StringComparer.OrdinalIgnoreCase);

    public static SettingDefinition? Find(string key) => ByKey.GetValueOrDefault(key);
}
