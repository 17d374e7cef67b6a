using System.Management.Automation;
using Muxly.Storage;

namespace Muxly.PowerShell.Infrastructure;

/// <summary>
/// What every Muxly cmdlet shares: <c>-Database</c>, resolving which database to use (SPEC §2), opening it on first
/// need, and turning engine errors into ErrorRecords (per item, or terminating where the database itself is unusable).
/// </summary>
public abstract class MuxlyCmdlet : PSCmdlet
{
    private MuxlyStore? _store;

    /// <summary>The database file to use instead of the session default, $env:MUXLY_DATABASE or the per-user default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Database { get; set; }

    /// <summary>The database, opened and migrated on first use in this command.</summary>
    protected MuxlyStore Store => _store ??= Guard(() => MuxlyStore.Open(DatabasePath));

    /// <summary>The full path of the database this command uses.</summary>
    protected string DatabasePath => DatabaseLocation.Resolve(ResolveUserPath(Database), SessionDatabase.Current).Path;

    /// <summary>Resolves a path as PowerShell users mean it: relative to the current location, with ~ and PSDrives.</summary>
    protected string? ResolveUserPath(string? path) =>
        string.IsNullOrWhiteSpace(path) ? path : SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    protected sealed override void BeginProcessing() => Run(Begin);

    protected sealed override void ProcessRecord() => Run(Process);

    protected sealed override void EndProcessing() => Run(End);

    protected virtual void Begin()
    {
    }

    protected virtual void Process()
    {
    }

    protected virtual void End()
    {
    }

    /// <summary>Writes an engine error for one item and lets the command go on with the next.</summary>
    protected void WriteMuxlyError(MuxlyException exception, object? target = null)
    {
        if (ErrorRecords.IsTerminating(exception))
        {
            ThrowTerminatingError(ErrorRecords.From(exception, target));
        }

        WriteError(ErrorRecords.From(exception, target));
    }

    /// <summary>Runs work for one item: an engine error becomes that item's error, the rest go on.</summary>
    protected void ForItem(object? target, Action work)
    {
        try
        {
            work();
        }
        catch (MuxlyException ex)
        {
            WriteMuxlyError(ex, target);
        }
    }

    /// <summary>True when -WhatIf is in effect for this command.</summary>
    protected bool IsWhatIf =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value) ? ((SwitchParameter)value).IsPresent
        : GetVariableValue("WhatIfPreference") is { } preference && LanguagePrimitives.IsTrue(preference);

    /// <summary>ShouldProcess that -Force answers without a prompt (but still honours -WhatIf).</summary>
    protected bool ShouldProcess(string target, string action, bool force) =>
        force && !IsWhatIf ? true : ShouldProcess(target, action);

    private T Guard<T>(Func<T> open)
    {
        try
        {
            return open();
        }
        catch (MuxlyException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, Database));
            throw; // not reached: ThrowTerminatingError always throws
        }
    }

    private void Run(Action stage)
    {
        try
        {
            stage();
        }
        catch (MuxlyException ex)
        {
            WriteMuxlyError(ex);
        }
    }
}
