using System.Management.Automation;
using Muxly.Connectors;
using Muxly.Destinations;
using Muxly.PowerShell.Completers;
using Muxly.PowerShell.Infrastructure;
using Muxly.Router.Conditions;
using Muxly.Router.Runs;

namespace Muxly.PowerShell.Commands.Router;

/// <summary>What the run cmdlets share: a RunContext whose warnings and log reach this command's streams.</summary>
public abstract class RunCmdlet : MuxlyCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    protected RunContext NewRunContext() => new(warn: WriteWarning, log: WriteVerbose, cancellation: _stopping.Token);

    /// <summary>Ctrl+C (or Stop-Job) cancels the run between records.</summary>
    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Writes the summary, and an error when the run failed, so a scheduled task exits non-zero.</summary>
    protected void WriteSummary(RouteRunSummary summary)
    {
        WriteObject(summary);
        if (summary.Status == "Failed")
        {
            WriteError(ErrorRecords.From(new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyRouteRunFailed",
                $"Route '{summary.Route}' failed: {summary.FailureReason}", summary.Route), summary.Route));
        }
        else if (summary.ErrorCount > 0)
        {
            WriteWarning($"Route '{summary.Route}' completed with {summary.ErrorCount} error(s); the first: {summary.Errors[0]}");
        }
    }
}

/// <summary>Runs a route now: its connector's records through its rules to its destinations.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "MuxlyRoute", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Invoke-MuxlyRoute.md")]
[OutputType(typeof(RouteRunSummary))]
public sealed class InvokeMuxlyRouteCommand : RunCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(EntityNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>Run a disabled route anyway.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Process()
    {
        var route = Store.Routes.Get(Name);
        if (!route.Enabled && !Force)
        {
            throw new MuxlyException(MuxlyErrorKind.InvalidArgument, "MuxlyRouteDisabled", $"The route '{route.Name}' is disabled. Enable it, or use -Force to run it once.", route.Name);
        }

        var context = NewRunContext();
        var plan = RoutePlan.Build(Store, route, context);
        // -WhatIf reads and evaluates, and reports what would be delivered, but writes nothing.
        var dryRun = !ShouldProcess($"route '{route.Name}'", "Run");
        if (dryRun && !IsWhatIf)
        {
            return;
        }

        WriteSummary(RouteRun.Run(plan, RouteSources.ReadForRun(plan.Connector, context), context, dryRun));
    }
}

/// <summary>Sends piped objects through a route's rules to its destinations.</summary>
[Cmdlet(VerbsCommunications.Send, "MuxlyData", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Send-MuxlyData.md")]
[OutputType(typeof(RouteRunSummary))]
public sealed class SendMuxlyDataCommand : RunCmdlet
{
    private RouteRun? _run;

    [Parameter(Mandatory = true, Position = 0)]
    [ArgumentCompleter(typeof(RouteNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Route { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    public object? InputObject { get; set; }

    protected override void Begin()
    {
        var route = Store.Routes.Get(Route);
        var context = NewRunContext();
        var dryRun = !ShouldProcess($"route '{route.Name}'", "Send piped objects through");
        if (dryRun && !IsWhatIf)
        {
            return;
        }

        _run = RouteRun.Start(RoutePlan.Build(Store, route, context), context, dryRun);
    }

    protected override void Process()
    {
        if (_run is null || InputObject is null)
        {
            return;
        }

        _run.Push(SourceItem.Ok(PSRecords.ToRecord(InputObject)));
    }

    protected override void End()
    {
        if (_run is not null)
        {
            WriteSummary(_run.Complete());
        }
    }
}

/// <summary>Streams a connector's records into the pipeline as objects.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "MuxlyConnector", HelpUri = HelpLinks.Base + "Invoke-MuxlyConnector.md")]
[OutputType(typeof(PSObject))]
public sealed class InvokeMuxlyConnectorCommand : RunCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ConnectorNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    protected override void Process()
    {
        var connector = Store.Connectors.Get(Name);
        foreach (var item in RouteSources.Read(connector, NewRunContext()))
        {
            if (item.Record is { } record)
            {
                WriteObject(PSRecords.ToPSObject(record));
            }
            else
            {
                WriteError(ErrorRecords.From(new MuxlyException(MuxlyErrorKind.InvalidData, "MuxlyRecordInvalid",
                    $"{item.Location}: {item.Error}", item.Location), item.Location));
            }
        }
    }
}

/// <summary>The outcome of Test-MuxlyConnector or Test-MuxlyDestination.</summary>
public sealed class ConnectionTest
{
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public bool Success { get; init; }
    public required string Message { get; init; }
    public TimeSpan Duration { get; init; }
}

/// <summary>Checks that a connector can reach and read its source, and says why not.</summary>
[Cmdlet(VerbsDiagnostic.Test, "MuxlyConnector", HelpUri = HelpLinks.Base + "Test-MuxlyConnector.md")]
[OutputType(typeof(ConnectionTest), typeof(bool))]
public sealed class TestMuxlyConnectorCommand : RunCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ConnectorNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>Return only $true or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void Process()
    {
        var connector = Store.Connectors.Get(Name);
        var result = RouteSources.Test(connector, NewRunContext());
        WriteObject(Quiet ? result.Success : new ConnectionTest { Name = connector.Name, Kind = "Connector", Success = result.Success, Message = result.Message, Duration = result.Duration });
    }
}

/// <summary>Sends a test record to a destination, or says why it cannot.</summary>
[Cmdlet(VerbsDiagnostic.Test, "MuxlyDestination", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Test-MuxlyDestination.md")]
[OutputType(typeof(ConnectionTest), typeof(bool))]
public sealed class TestMuxlyDestinationCommand : RunCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DestinationNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>Return only $true or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void Process()
    {
        var destination = Store.Destinations.Get(Name);
        if (!ShouldProcess($"destination '{destination.Name}'", "Send a test record"))
        {
            return;
        }

        var result = DestinationProbe.Send(destination, NewRunContext());
        WriteObject(Quiet ? result.Success : new ConnectionTest { Name = destination.Name, Kind = "Destination", Success = result.Success, Message = result.Message, Duration = result.Duration });
    }
}

/// <summary>Evaluates a condition against objects: $true/$false, or with -Explain which parts held.</summary>
[Cmdlet(VerbsDiagnostic.Test, "MuxlyCondition", HelpUri = HelpLinks.Base + "Test-MuxlyCondition.md")]
[OutputType(typeof(bool), typeof(ConditionExplanation))]
public sealed class TestMuxlyConditionCommand : MuxlyCmdlet
{
    private CompiledCondition? _condition;

    [Parameter(Mandatory = true, Position = 0)]
    [AllowEmptyString]
    public string Condition { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [AllowNull]
    public object? InputObject { get; set; }

    /// <summary>Show each part of the condition and whether it held.</summary>
    [Parameter]
    public SwitchParameter Explain { get; set; }

    // Compiled once for the whole pipeline; a syntax error stops the command before any object is read.
    protected override void Begin()
    {
        try
        {
            _condition = ConditionCompiler.Compile(Condition);
        }
        catch (MuxlyException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, Condition));
        }
    }

    protected override void Process()
    {
        var record = PSRecords.ToRecord(InputObject);
        WriteObject(Explain ? _condition!.Explain(record) : _condition!.Evaluate(record));
    }
}

/// <summary>What Test-MuxlyRule shows for one object.</summary>
public sealed class RuleTest
{
    public required string Rule { get; init; }
    public bool Matched { get; init; }
    public required ConditionExplanation Explanation { get; init; }

    /// <summary>The records the rule's transformations made of the object (empty when it did not match).</summary>
    public required IReadOnlyList<PSObject> Output { get; init; }

    /// <summary>Where the output would be delivered.</summary>
    public required IReadOnlyList<string> Destinations { get; init; }
}

/// <summary>Shows what a stored rule does with objects: whether it matches, why, the transformed records, and where they would go.</summary>
[Cmdlet(VerbsDiagnostic.Test, "MuxlyRule", HelpUri = HelpLinks.Base + "Test-MuxlyRule.md")]
[OutputType(typeof(RuleTest))]
public sealed class TestMuxlyRuleCommand : RunCmdlet
{
    private Rule? _rule;
    private CompiledCondition? _condition;
    private Muxly.Router.Transformations.TransformationPipeline? _pipeline;

    [Parameter(Mandatory = true, Position = 0)]
    [ArgumentCompleter(typeof(RuleNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [AllowNull]
    public object? InputObject { get; set; }

    protected override void Begin()
    {
        _rule = Store.Rules.Get(Name);
        _condition = ConditionCompiler.Compile(_rule.Condition);
        var context = NewRunContext();
        _pipeline = RulePipelines.Build(Store, _rule, context);
    }

    protected override void Process()
    {
        var record = PSRecords.ToRecord(InputObject);
        var explanation = _condition!.Explain(record);
        var output = new List<PSObject>();
        if (explanation.Result)
        {
            Action<System.Text.Json.Nodes.JsonObject> collect = r => output.Add(PSRecords.ToPSObject(r));
            _pipeline!.Push(record, collect);
            _pipeline.Complete(collect);
        }

        WriteObject(new RuleTest
        {
            Rule = _rule!.Name,
            Matched = explanation.Result,
            Explanation = explanation,
            Output = output,
            Destinations = explanation.Result ? _rule.Destinations : [],
        });
    }
}
