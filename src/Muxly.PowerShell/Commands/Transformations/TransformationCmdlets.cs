using System.Management.Automation;
using Muxly.PowerShell.Completers;
using Muxly.PowerShell.Infrastructure;
using Muxly.Storage;

namespace Muxly.PowerShell.Commands.Transformations;

/// <summary>
/// Gets transformations in the order they apply: of the rules named by -Rule (wildcards; a piped rule binds by its
/// Name), of every rule, or by -Id.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MuxlyTransformation", DefaultParameterSetName = ByRule, HelpUri = HelpLinks.Base + "Get-MuxlyTransformation.md")]
[OutputType(typeof(Transformation))]
public sealed class GetMuxlyTransformationCommand : MuxlyCmdlet
{
    private const string ByRule = "ByRule";
    private const string ById = "ById";

    /// <summary>
    /// Rule names or ids. Bound from a piped rule's Name (the default set is tried first, so a rule's Id never reaches
    /// -Id, which is a transformation id).
    /// </summary>
    [Parameter(Position = 0, ParameterSetName = ByRule, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RuleNameCompleter))]
    public string[]? Rule { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    protected override void Process()
    {
        if (Id is not null)
        {
            foreach (var id in Id)
            {
                var found = Store.Transformations.FindById(id);
                if (found is null)
                {
                    WriteMuxlyError(TransformationStore.NotFound(id), id);
                }
                else
                {
                    WriteObject(found);
                }
            }

            return;
        }

        foreach (var rule in EntityLookup.Find(this, Store.Rules, Rule, null))
        {
            WriteObject(Store.Transformations.ListForRule(rule.Id), enumerateCollection: true);
        }
    }
}

/// <summary>Adds a transformation to a rule, at the end or at -Position, and writes it.</summary>
[Cmdlet(VerbsCommon.Add, "MuxlyTransformation", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Add-MuxlyTransformation.md")]
[OutputType(typeof(Transformation))]
public sealed class AddMuxlyTransformationCommand : MuxlyCmdlet
{
    /// <summary>The rule's name or id; a piped rule binds by Name, a piped transformation by RuleName.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "RuleName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RuleNameCompleter))]
    public string Rule { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(TransformationTypeCompleter))]
    public string TransformationType { get; set; } = string.Empty;

    /// <summary>A hashtable or JSON object string.</summary>
    [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
    public object? Config { get; set; }

    /// <summary>1-based; omitted or past the end appends.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Position { get; set; }

    protected override void Process()
    {
        ForItem(Rule, () =>
        {
            var config = PSJson.ToJsonObject(Config, nameof(Config));
            var rule = Store.Rules.Get(Rule);
            if (ShouldProcess($"rule '{rule.Name}' ({rule.Id})", $"Add a {TransformationType} transformation"))
            {
                WriteObject(Store.Transformations.Add(rule.Id, TransformationType, config, Position));
            }
        });
    }
}

/// <summary>Changes a transformation's configuration and/or its position within its rule.</summary>
[Cmdlet(VerbsCommon.Set, "MuxlyTransformation", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Set-MuxlyTransformation.md")]
[OutputType(typeof(Transformation))]
public sealed class SetMuxlyTransformationCommand : MuxlyCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = string.Empty;

    /// <summary>Replaces the configuration: a hashtable or JSON object string.</summary>
    [Parameter]
    public object? Config { get; set; }

    /// <summary>Moves the transformation to this 1-based position; the others close up, keeping 1..n.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Position { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Process()
    {
        ForItem(Id, () =>
        {
            var config = Config is null ? null : PSJson.ToJsonObject(Config, nameof(Config));
            var target = Store.Transformations.FindById(Id) ?? throw TransformationStore.NotFound(Id);
            if (ShouldProcess(Describe(target), "Update"))
            {
                var updated = Store.Transformations.Update(target.Id, config, Position);
                if (PassThru)
                {
                    WriteObject(updated);
                }
            }
        });
    }

    internal static string Describe(Transformation t) => $"transformation {t.SequenceOrder} ({t.TransformationType}) of rule '{t.RuleName}' ({t.Id})";
}

/// <summary>Deletes transformations; the rule's others close up, keeping 1..n.</summary>
[Cmdlet(VerbsCommon.Remove, "MuxlyTransformation", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Remove-MuxlyTransformation.md")]
[OutputType(typeof(void))]
public sealed class RemoveMuxlyTransformationCommand : MuxlyCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = [];

    protected override void Process()
    {
        foreach (var id in Id)
        {
            ForItem(id, () =>
            {
                var target = Store.Transformations.FindById(id) ?? throw TransformationStore.NotFound(id);
                if (ShouldProcess(SetMuxlyTransformationCommand.Describe(target), "Remove"))
                {
                    Store.Transformations.Remove(target.Id);
                }
            });
        }
    }
}
