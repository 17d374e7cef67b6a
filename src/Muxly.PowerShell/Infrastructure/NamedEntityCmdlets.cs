using System.Management.Automation;
using Muxly.Storage;

namespace Muxly.PowerShell.Infrastructure;

/// <summary>
/// Get-Muxly&lt;Noun&gt;: every object, or those whose names match <c>-Name</c> (wildcards), or those with <c>-Id</c>.
/// A name without wildcards that matches nothing is an ObjectNotFound error, as Get-Service does.
/// </summary>
public abstract class GetNamedEntityCmdlet<T> : MuxlyCmdlet where T : class, INamedEntity
{
    protected const string ByName = "ByName";
    protected const string ById = "ById";

    [Parameter(Position = 0, ParameterSetName = ByName, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completers.EntityNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    protected abstract NamedEntityStore<T> Entities { get; }

    /// <summary>A noun's own filters (such as -ConnectorType), applied after the name match.</summary>
    protected virtual bool Matches(T item) => true;

    protected override void Process()
    {
        foreach (var item in EntityLookup.Find(this, Entities, Name, Id).Where(Matches))
        {
            WriteObject(item);
        }
    }
}

/// <summary>
/// Set-, Remove-, Enable- and Disable-Muxly&lt;Noun&gt;: the target comes by <c>-Name</c> (wildcards), <c>-Id</c>, or an
/// object from the pipeline, and each target is confirmed through ShouldProcess before <see cref="ProcessTarget"/>.
/// </summary>
public abstract class NamedEntityTargetCmdlet<T> : MuxlyCmdlet where T : class, INamedEntity
{
    protected const string ByName = "ByName";
    protected const string ById = "ById";
    protected const string ByInputObject = "ByInputObject";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completers.EntityNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ByInputObject, ValueFromPipeline = true)]
    [ValidateNotNull]
    public T[]? InputObject { get; set; }

    protected abstract NamedEntityStore<T> Entities { get; }

    /// <summary>What ShouldProcess says is about to happen, e.g. "Disable".</summary>
    protected abstract string Action { get; }

    /// <summary>True where the noun's -Force was given: ShouldProcess then asks nothing (but -WhatIf still holds).</summary>
    protected virtual bool SkipConfirmation => false;

    protected abstract void ProcessTarget(T target);

    protected override void Process()
    {
        var targets = InputObject is not null
            ? InputObject.Select(i => Entities.FindById(i.Id) ?? ReportMissing(i.Name))
            : EntityLookup.Find(this, Entities, Name, Id);
        foreach (var target in targets)
        {
            if (target is not null && ShouldProcess($"{Entities.Noun.ToLowerInvariant()} '{target.Name}' ({target.Id})", Action, SkipConfirmation))
            {
                ForItem(target.Name, () => ProcessTarget(target));
            }
        }
    }

    private T? ReportMissing(string name)
    {
        WriteMuxlyError(Entities.NotFound(name), name);
        return null;
    }
}

/// <summary>
/// Get- for nouns that belong to a connector (routes, jobs): besides names and ids, <c>-Connector</c> narrows by the
/// connector's name (wildcards) or id, and connectors piped from Get-MuxlyConnector bind by value to
/// <c>-ConnectorObject</c> (a set of its own), so a connector's Name never reaches the noun's -Name.
/// </summary>
public abstract class GetConnectorScopedCmdlet<T> : GetNamedEntityCmdlet<T> where T : class, INamedEntity
{
    protected const string ByConnector = "ByConnector";
    private NameFilter? _connectors;

    /// <summary>Only those over one of these connectors (names with wildcards, or ids).</summary>
    [Parameter(ParameterSetName = ByName)]
    [Parameter(ParameterSetName = ById)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completers.ConnectorNameCompleter))]
    public string[]? Connector { get; set; }

    /// <summary>Connectors from Get-MuxlyConnector: those over them.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByConnector, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Connector[]? ConnectorObject { get; set; }

    /// <summary>The id and the name of the connector an item belongs to.</summary>
    protected abstract (string Id, string Name) ConnectorOf(T item);

    /// <summary>A noun's own filters, applied in every parameter set.</summary>
    protected virtual bool MatchesOwn(T item) => true;

    protected sealed override bool Matches(T item)
    {
        if (Connector is null)
        {
            return MatchesOwn(item);
        }

        var (id, name) = ConnectorOf(item);
        return (_connectors ??= new NameFilter(Connector)).Matches([name, id]) && MatchesOwn(item);
    }

    protected override void Process()
    {
        if (ConnectorObject is null)
        {
            base.Process();
            return;
        }

        var ids = ConnectorObject.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        WriteObject(Entities.List().Where(item => ids.Contains(ConnectorOf(item).Id) && MatchesOwn(item)), enumerateCollection: true);
    }
}

/// <summary>
/// New-Muxly&lt;Noun&gt;: <c>-Name</c>, an optional <c>-Id</c>, <c>-Disabled</c>, and <c>-Force</c>, which updates an
/// existing object of the same name in place so a setup script can run again. Input that needs no database is
/// checked before confirmation; the noun supplies only its own parameters and how to save them.
/// </summary>
public abstract class NewNamedEntityCmdlet<T> : MuxlyCmdlet where T : class, INamedEntity
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = string.Empty;

    /// <summary>The id to give a new object; generated when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Id { get; set; }

    /// <summary>Create it disabled.</summary>
    [Parameter]
    public SwitchParameter Disabled { get; set; }

    /// <summary>Update an existing object of the same name instead of failing.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The noun as error ids and messages name it, e.g. <c>Connector</c>.</summary>
    protected abstract string Noun { get; }

    /// <summary>What ShouldProcess shows after the name, e.g. <c>(file)</c>.</summary>
    protected virtual string Detail => string.Empty;

    /// <summary>Checks what can be checked without the database, before anyone is asked to confirm.</summary>
    protected virtual void Check()
    {
    }

    protected abstract SaveResult<T> Save();

    protected override void Process() => ForItem(Name, () =>
    {
        Muxly.Names.Validate(Name, Noun);
        Check();
        var noun = Noun.ToLowerInvariant();
        var target = Detail.Length == 0 ? $"{noun} '{Name.Trim()}'" : $"{noun} '{Name.Trim()}' {Detail}";
        if (!ShouldProcess(target, Force ? "Create or update" : "Create"))
        {
            return;
        }

        var result = Save();
        if (!result.Created)
        {
            WriteVerbose(result.Changed ? $"Updated the existing {noun} '{result.Item.Name}'." : $"The {noun} '{result.Item.Name}' is already as requested.");
        }

        WriteObject(result.Item);
    });
}

/// <summary>Set-Muxly&lt;Noun&gt;: <c>-NewName</c>, <c>-Enabled</c> and <c>-PassThru</c> for every noun; the noun applies its own changes.</summary>
public abstract class SetNamedEntityCmdlet<T> : NamedEntityTargetCmdlet<T> where T : class, INamedEntity
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NewName { get; set; }

    [Parameter]
    public bool? Enabled { get; set; }

    /// <summary>Write the changed object to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override string Action => "Update";

    /// <summary>Applies this command's changes to <paramref name="target"/> and returns the result.</summary>
    protected abstract T Update(T target);

    protected sealed override void ProcessTarget(T target)
    {
        var updated = Update(target);
        if (PassThru)
        {
            WriteObject(updated);
        }
    }
}

/// <summary>Enable-/Disable-Muxly&lt;Noun&gt; for any table with an <c>enabled</c> column.</summary>
public abstract class SetEnabledCmdlet<T> : NamedEntityTargetCmdlet<T> where T : class, INamedEntity
{
    /// <summary>Write the changed object to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>True for Enable-, false for Disable-.</summary>
    protected abstract bool Enable { get; }

    protected override string Action => Enable ? "Enable" : "Disable";

    protected override void ProcessTarget(T target)
    {
        var updated = Entities.SetEnabled(target.Id, Enable);
        if (PassThru)
        {
            WriteObject(updated);
        }
    }
}

/// <summary>Remove-Muxly&lt;Noun&gt;: deletes each target after confirmation; -Force skips the question.</summary>
public abstract class RemoveNamedEntityCmdlet<T> : NamedEntityTargetCmdlet<T> where T : class, INamedEntity
{
    /// <summary>Remove without asking for confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override bool SkipConfirmation => Force.IsPresent;

    protected override string Action => "Remove";

    protected override void ProcessTarget(T target) => Entities.Delete(target.Id);
}

/// <summary>The name/id resolution both bases share.</summary>
internal static class EntityLookup
{
    public static IEnumerable<T> Find<T>(MuxlyCmdlet cmdlet, NamedEntityStore<T> entities, string[]? names, string[]? ids)
        where T : class, INamedEntity
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (ids is not null)
        {
            foreach (var id in ids)
            {
                var item = entities.FindById(id);
                if (item is null)
                {
                    cmdlet.WriteError(ErrorRecords.From(entities.NotFound(id), id));
                }
                else if (seen.Add(item.Id))
                {
                    yield return item;
                }
            }

            yield break;
        }

        if (names is null)
        {
            // Streamed: each object goes down the pipeline as it is read (see NamedEntityStore.Each).
            foreach (var item in entities.Each())
            {
                yield return item;
            }

            yield break;
        }

        IReadOnlyList<T>? all = null;
        foreach (var name in names)
        {
            if (WildcardPattern.ContainsWildcardCharacters(name))
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                all ??= entities.List();
                foreach (var item in all.Where(i => pattern.IsMatch(i.Name) && seen.Add(i.Id)))
                {
                    yield return item;
                }

                continue;
            }

            // An exact name is an indexed look-up, and an id is accepted in its place.
            var found = entities.FindByName(name) ?? entities.FindById(name);
            if (found is null)
            {
                cmdlet.WriteError(ErrorRecords.From(entities.NotFound(name), name));
            }
            else if (seen.Add(found.Id))
            {
                yield return found;
            }
        }
    }
}
