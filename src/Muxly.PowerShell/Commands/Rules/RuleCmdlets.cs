using System.Management.Automation;
using System.Text.Json.Nodes;
using Muxly.PowerShell.Completers;
using Muxly.PowerShell.Infrastructure;
using Muxly.Router.Conditions;
using Muxly.Router.Transformations;
using Muxly.Storage;

namespace Muxly.PowerShell.Commands.Rules;

/// <summary>Gets rules by name (wildcards), id, or all; optionally only those delivering to given destinations.</summary>
[Cmdlet(VerbsCommon.Get, "MuxlyRule", DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Get-MuxlyRule.md")]
[OutputType(typeof(Rule))]
public sealed class GetMuxlyRuleCommand : GetNamedEntityCmdlet<Rule>
{
    private NameFilter? _destinations;

    /// <summary>Only rules that deliver to one of these destinations (wildcards allowed).</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(DestinationNameCompleter))]
    public string[]? Destination { get; set; }

    protected override NamedEntityStore<Rule> Entities => Store.Rules;

    protected override bool Matches(Rule item) => (_destinations ??= new NameFilter(Destination)).Matches(item.Destinations);
}

/// <summary>Creates a rule; with -Force an existing one of that name is updated in place.</summary>
[Cmdlet(VerbsCommon.New, "MuxlyRule", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "New-MuxlyRule.md")]
[OutputType(typeof(Rule))]
public sealed class NewMuxlyRuleCommand : NewNamedEntityCmdlet<Rule>
{
    /// <summary>The condition text; empty or omitted matches every record.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string? Condition { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int Priority { get; set; } = 100;

    /// <summary>Destination names or ids.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Destinations")]
    [ArgumentCompleter(typeof(DestinationNameCompleter))]
    public string[]? Destination { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter StopAfterMatch { get; set; }

    /// <summary>The rule's whole list of transformations, in order: hashtables with type and config.</summary>
    [Parameter]
    public object[]? Transformation { get; set; }

    private IReadOnlyList<Muxly.Router.Transformations.TransformationStep>? _steps;

    protected override string Noun => "Rule";

    protected override void Check()
    {
        _steps = Transformation is null ? null : TransformationSteps.From(Transformation);
        ConditionCompiler.Compile(Condition ?? string.Empty);
    }

    protected override SaveResult<Rule> Save()
    {
        // Transformations are checked before the rule is saved, so a bad one leaves nothing half-made.
        if (_steps is not null)
        {
            Store.Transformations.Validate(_steps);
        }

        var result = Store.Rules.Create(new RuleDefinition(Name, Condition, Priority, Destination, StopAfterMatch, !Disabled.IsPresent, Id), Force);
        if (_steps is null)
        {
            return result;
        }

        var replaced = Store.Transformations.ReplaceForRule(result.Item.Id, _steps);
        return result with { Item = Store.Rules.FindById(result.Item.Id) ?? result.Item, Changed = result.Changed || replaced };
    }
}

/// <summary>Changes a rule's name, condition, priority, destinations, transformations or state.</summary>
[Cmdlet(VerbsCommon.Set, "MuxlyRule", SupportsShouldProcess = true, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Set-MuxlyRule.md")]
[OutputType(typeof(Rule))]
public sealed class SetMuxlyRuleCommand : SetNamedEntityCmdlet<Rule>
{
    [Parameter]
    [AllowEmptyString]
    public string? Condition { get; set; }

    [Parameter]
    public int? Priority { get; set; }

    /// <summary>Replaces the list of destinations (names or ids); an empty list removes them all.</summary>
    [Parameter]
    [AllowEmptyCollection]
    [ArgumentCompleter(typeof(DestinationNameCompleter))]
    public string[]? Destination { get; set; }

    [Parameter]
    public bool? StopAfterMatch { get; set; }

    /// <summary>Replaces the list of transformations; an empty list removes them all.</summary>
    [Parameter]
    [AllowEmptyCollection]
    public object[]? Transformation { get; set; }

    protected override NamedEntityStore<Rule> Entities => Store.Rules;

    protected override Rule Update(Rule target)
    {
        var steps = Transformation is null ? null : TransformationSteps.From(Transformation);
        if (steps is not null)
        {
            Store.Transformations.Validate(steps);
        }

        var updated = Store.Rules.Update(target.Id, new RuleChanges(NewName, Condition, Priority, Destination, StopAfterMatch, Enabled));
        return steps is not null && Store.Transformations.ReplaceForRule(target.Id, steps) ? Store.Rules.FindById(target.Id) ?? updated : updated;
    }
}

/// <summary>Deletes rules and, through the schema's cascade, their transformations: asks first unless -Force.</summary>
[Cmdlet(VerbsCommon.Remove, "MuxlyRule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Remove-MuxlyRule.md")]
[OutputType(typeof(void))]
public sealed class RemoveMuxlyRuleCommand : RemoveNamedEntityCmdlet<Rule>
{
    protected override NamedEntityStore<Rule> Entities => Store.Rules;

    protected override string Action => "Remove (with its transformations, and from its routes)";
}

/// <summary>Enables rules.</summary>
[Cmdlet(VerbsLifecycle.Enable, "MuxlyRule", SupportsShouldProcess = true, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Enable-MuxlyRule.md")]
[OutputType(typeof(Rule))]
public sealed class EnableMuxlyRuleCommand : SetEnabledCmdlet<Rule>
{
    protected override NamedEntityStore<Rule> Entities => Store.Rules;

    protected override bool Enable => true;
}

/// <summary>Disables rules.</summary>
[Cmdlet(VerbsLifecycle.Disable, "MuxlyRule", SupportsShouldProcess = true, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Disable-MuxlyRule.md")]
[OutputType(typeof(Rule))]
public sealed class DisableMuxlyRuleCommand : SetEnabledCmdlet<Rule>
{
    protected override NamedEntityStore<Rule> Entities => Store.Rules;

    protected override bool Enable => false;
}

/// <summary>
/// Reads -Transformation: each item a hashtable or object with a type (or TransformationType) and a config (a
/// hashtable or JSON object string), so objects from Get-MuxlyTransformation can be given back as they are.
/// </summary>
internal static class TransformationSteps
{
    public static IReadOnlyList<TransformationStep> From(object[] items) => items.Select((item, index) =>
    {
        var node = (item is string or PSObject { BaseObject: string } ? PSJson.ToJsonObject(item, "Transformation") : PSJson.ToNode(item, "Transformation")) as JsonObject
            ?? throw MuxlyException.Invalid("MuxlyTransformationInvalid", $"-Transformation item {index + 1} is not a hashtable or object with a type and a config.", item);
        var type = Text(node, "type") ?? Text(node, "TransformationType") ?? throw MuxlyException.Invalid("MuxlyTransformationInvalid",
            $"-Transformation item {index + 1} has no type. Give each as @{{ type = 'rename_field'; config = @{{ from = 'a'; to = 'b' }} }}.", item);
        var config = Property(node, "config") switch
        {
            null => new JsonObject(),
            JsonValue value when value.TryGetValue(out string? json) => PSJson.ToJsonObject(json, "Transformation"),
            JsonObject obj => (JsonObject)obj.DeepClone(),
            var other => throw MuxlyException.Invalid("MuxlyTransformationInvalid",
                $"-Transformation item {index + 1} has a config that is {other.GetValueKind()}, not a hashtable or JSON object.", item),
        };
        return new TransformationStep(type, config);
    }).ToList();

    private static string? Text(JsonObject node, string key) => Property(node, key) is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    private static JsonNode? Property(JsonObject node, string key) =>
        node.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value;
}
