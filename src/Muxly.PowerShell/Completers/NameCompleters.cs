using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Muxly.Connectors;
using Muxly.Destinations;
using Muxly.PowerShell.Infrastructure;
using Muxly.Router.Transformations;
using Muxly.Storage;

namespace Muxly.PowerShell.Completers;

/// <summary>
/// Completes names from the database the command line points at (its -Database, else the session's). Completion
/// never creates a database and never shows an error: a missing or unusable database simply completes nothing.
/// </summary>
public abstract class DatabaseNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var explicitPath = fakeBoundParameters["Database"] as string;
            var path = DatabaseLocation.Resolve(explicitPath, SessionDatabase.Current).Path;
            if (!File.Exists(path))
            {
                return [];
            }

            var store = MuxlyStore.Open(path);
            return Complete(Names(store), wordToComplete);
        }
        catch (Exception)
        {
            return [];
        }
    }

    protected abstract IEnumerable<string> Names(MuxlyStore store);

    internal static IEnumerable<CompletionResult> Complete(IEnumerable<string> names, string wordToComplete)
    {
        var pattern = new WildcardPattern(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return names.Where(pattern.IsMatch).Order(StringComparer.OrdinalIgnoreCase).Select(name =>
        {
            var text = name.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or ',' or ';' or '(' or ')' or '{' or '}' or '@' or '#')
                ? "'" + name.Replace("'", "''") + "'"
                : name;
            return new CompletionResult(text, name, CompletionResultType.ParameterValue, name);
        }).ToList();
    }
}

/// <summary>
/// Names for the shared -Name parameter: the noun of the command being completed (Get-MuxlyConnector: connectors)
/// says which table to read. Each noun adds one line here.
/// </summary>
public sealed class EntityNameCompleter : IArgumentCompleter
{
    private static readonly Dictionary<string, Func<MuxlyStore, IEnumerable<string>>> ByNoun = new(StringComparer.OrdinalIgnoreCase)
    {
        ["MuxlyConnector"] = store => store.Connectors.List().Select(c => c.Name),
        ["MuxlySetting"] = store => store.Settings.List().Select(s => s.Key),
        ["MuxlyDestination"] = store => store.Destinations.List().Select(d => d.Name),
        ["MuxlyRule"] = store => store.Rules.List().Select(r => r.Name),
        ["MuxlyRoute"] = store => store.Routes.List().Select(r => r.Name),
        ["MuxlyJob"] = store => store.Jobs.List().Select(j => j.Name),
    };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var noun = commandName[(commandName.IndexOf('-') + 1)..];
        return ByNoun.TryGetValue(noun, out var names)
            ? new DelegateCompleter(names).CompleteArgument(commandName, parameterName, wordToComplete, commandAst, fakeBoundParameters)
            : [];
    }

    private sealed class DelegateCompleter(Func<MuxlyStore, IEnumerable<string>> names) : DatabaseNameCompleter
    {
        protected override IEnumerable<string> Names(MuxlyStore store) => names(store);
    }
}

/// <summary>Connector names.</summary>
public sealed class ConnectorNameCompleter : DatabaseNameCompleter
{
    protected override IEnumerable<string> Names(MuxlyStore store) => store.Connectors.List().Select(c => c.Name);
}

/// <summary>Destination names.</summary>
public sealed class DestinationNameCompleter : DatabaseNameCompleter
{
    protected override IEnumerable<string> Names(MuxlyStore store) => store.Destinations.List().Select(d => d.Name);
}

/// <summary>Rule names.</summary>
public sealed class RuleNameCompleter : DatabaseNameCompleter
{
    protected override IEnumerable<string> Names(MuxlyStore store) => store.Rules.List().Select(r => r.Name);
}

/// <summary>Route names.</summary>
public sealed class RouteNameCompleter : DatabaseNameCompleter
{
    protected override IEnumerable<string> Names(MuxlyStore store) => store.Routes.List().Select(r => r.Name);
}

/// <summary>Job names.</summary>
public sealed class JobNameCompleter : DatabaseNameCompleter
{
    protected override IEnumerable<string> Names(MuxlyStore store) => store.Jobs.List().Select(j => j.Name);
}

/// <summary>Setting keys, stored and known.</summary>
public sealed class SettingKeyCompleter : DatabaseNameCompleter
{
    protected override IEnumerable<string> Names(MuxlyStore store) => store.Settings.List().Select(s => s.Key);
}

/// <summary>Connector types: needs no database.</summary>
public sealed class ConnectorTypeCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        DatabaseNameCompleter.Complete(ConnectorTypes.Names, wordToComplete);
}

/// <summary>Destination types: needs no database.</summary>
public sealed class DestinationTypeCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        DatabaseNameCompleter.Complete(DestinationTypes.Names, wordToComplete);
}

/// <summary>Transformation types: needs no database.</summary>
public sealed class TransformationTypeCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        DatabaseNameCompleter.Complete(TransformationRegistry.Default.Names, wordToComplete);
}

/// <summary>The fixed words of a job's settings, chosen by the parameter being completed: needs no database.</summary>
public sealed class JobVocabularyCompleter : IArgumentCompleter
{
    private static readonly Dictionary<string, string[]> ByParameter = new(StringComparer.OrdinalIgnoreCase)
    {
        ["JobType"] = JobStore.JobTypes,
        ["Action"] = JobStore.Actions,
        ["BackoffStrategy"] = JobStore.BackoffStrategies,
        ["OverlapPolicy"] = JobStore.OverlapPolicies,
        ["MissedRunPolicy"] = JobStore.MissedRunPolicies,
        ["Status"] = [.. ExecutionStatuses.All],
        ["TriggeredBy"] = [.. ExecutionTriggers.All],
    };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        ByParameter.TryGetValue(parameterName, out var words) ? DatabaseNameCompleter.Complete(words, wordToComplete) : [];
}

/// <summary>Time zones: a few common IANA ids first, then whatever else the machine knows that matches.</summary>
public sealed class TimeZoneCompleter : IArgumentCompleter
{
    private static readonly string[] Common =
    [
        "UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York", "America/Chicago", "America/Denver",
        "America/Los_Angeles", "America/Sao_Paulo", "Asia/Tokyo", "Asia/Shanghai", "Asia/Kolkata", "Asia/Singapore", "Australia/Sydney",
    ];

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var common = DatabaseNameCompleter.Complete(Common, wordToComplete).ToList();
        if (string.IsNullOrEmpty(wordToComplete.Trim('\'', '"')))
        {
            return common;
        }

        var known = common.Select(c => c.ListItemText).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var others = TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Where(id => !known.Contains(id));
        return common.Concat(DatabaseNameCompleter.Complete(others, wordToComplete));
    }
}
