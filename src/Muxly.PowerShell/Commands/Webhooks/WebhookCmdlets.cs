using System.Management.Automation;
using System.Net;
using System.Security;
using Muxly.PowerShell.Completers;
using Muxly.PowerShell.Infrastructure;
using Muxly.Storage;
using Muxly.Webhooks;

namespace Muxly.PowerShell.Commands.Webhooks;

/// <summary>Registers a webhook trigger for a job; a generated secret is shown once, in the returned object.</summary>
[Cmdlet(VerbsLifecycle.Register, "MuxlyWebhook", SupportsShouldProcess = true, DefaultParameterSetName = Signed, HelpUri = HelpLinks.Base + "Register-MuxlyWebhook.md")]
[OutputType(typeof(WebhookTrigger))]
public sealed class RegisterMuxlyWebhookCommand : MuxlyCmdlet
{
    private const string Signed = "Signed";
    private const string Unsigned = "Unsigned";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string Job { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public WebhookScheme Scheme { get; set; } = WebhookScheme.StandardWebhooks;

    /// <summary>The shared secret; without it one is generated (32 random bytes) and shown once.</summary>
    [Parameter(ParameterSetName = Signed)]
    public SecureString? Secret { get; set; }

    /// <summary>Accept requests without a signature: asked for explicitly, never the default.</summary>
    [Parameter(Mandatory = true, ParameterSetName = Unsigned)]
    public SwitchParameter AllowUnsigned { get; set; }

    [Parameter]
    public SwitchParameter Disabled { get; set; }

    protected override void Process()
    {
        ForItem(Path, () =>
        {
            var path = WebhookTriggerStore.NormalizePath(Path);
            var secret = Secret is null ? null : WebhookCmdletText.Plain(Secret);
            if (secret is not null)
            {
                WebhookSecret.Validate(secret, Scheme);
            }

            if (!ShouldProcess($"webhook '{path}' for job '{Job}'", "Register"))
            {
                return;
            }

            var trigger = Store.WebhookTriggers.Register(new WebhookRegistration(Job, path, Scheme, secret, AllowUnsigned.IsPresent, !Disabled.IsPresent));
            if (trigger.Secret is not null)
            {
                WriteVerbose($"Generated a secret for '{trigger.Path}'. It is in the Secret property of the object written now, and is not shown again.");
            }

            WriteObject(WebhookCmdletText.Output(trigger));
        });
    }
}

/// <summary>Gets webhook triggers by path (wildcards), id, job (wildcards), or all. Secrets are never shown.</summary>
[Cmdlet(VerbsCommon.Get, "MuxlyWebhook", DefaultParameterSetName = WebhookTargetCmdlet.ByPath, HelpUri = HelpLinks.Base + "Get-MuxlyWebhook.md")]
[OutputType(typeof(WebhookTrigger))]
public sealed class GetMuxlyWebhookCommand : MuxlyCmdlet
{
    [Parameter(Position = 0, ParameterSetName = WebhookTargetCmdlet.ByPath, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(WebhookPathCompleter))]
    public string[]? Path { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = WebhookTargetCmdlet.ById, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    /// <summary>Only the triggers of these jobs (names, wildcards allowed).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string[]? Job { get; set; }

    protected override void Process()
    {
        var jobs = new NameFilter(Job);
        foreach (var trigger in WebhookLookup.Find(this, Store.WebhookTriggers, Path, Id).Where(t => jobs.Matches([t.Job, t.JobId])))
        {
            WriteObject(trigger);
        }
    }
}

/// <summary>The targets of Set-, Unregister-, Enable- and Disable-MuxlyWebhook: by -Path (wildcards), -Id or piped triggers.</summary>
public abstract class WebhookTargetCmdlet : MuxlyCmdlet
{
    internal const string ByPath = "ByPath";
    internal const string ById = "ById";
    internal const string ByInputObject = "ByInputObject";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByPath, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(WebhookPathCompleter))]
    public string[]? Path { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ByInputObject, ValueFromPipeline = true)]
    [ValidateNotNull]
    public WebhookTrigger[]? InputObject { get; set; }

    /// <summary>What ShouldProcess says is about to happen.</summary>
    protected abstract string Action { get; }

    protected virtual bool SkipConfirmation => false;

    /// <summary>Checks made once, before any target is touched (conflicting parameters).</summary>
    protected virtual void Validate()
    {
    }

    protected abstract void ProcessTarget(WebhookTrigger target);

    protected override void Process()
    {
        Validate();
        var targets = InputObject is not null
            ? InputObject.Select(i => Store.WebhookTriggers.FindById(i.Id) ?? Missing(i.Path))
            : WebhookLookup.Find(this, Store.WebhookTriggers, Path, Id);
        foreach (var target in targets.ToList())
        {
            if (target is not null && ShouldProcess($"webhook '{target.Path}' of job '{target.Job}' ({target.Id})", Action, SkipConfirmation))
            {
                ForItem(target.Path, () => ProcessTarget(target));
            }
        }
    }

    private WebhookTrigger? Missing(string path)
    {
        WriteMuxlyError(WebhookTriggerStore.NotFound(path), path);
        return null;
    }
}

/// <summary>Rotates a trigger's secret (the old one accepted for a grace period), makes it unsigned or signed, enables or disables it.</summary>
[Cmdlet(VerbsCommon.Set, "MuxlyWebhook", SupportsShouldProcess = true, DefaultParameterSetName = ByPath, HelpUri = HelpLinks.Base + "Set-MuxlyWebhook.md")]
[OutputType(typeof(WebhookTrigger))]
public sealed class SetMuxlyWebhookCommand : WebhookTargetCmdlet
{
    /// <summary>Replace the secret with this one.</summary>
    [Parameter]
    public SecureString? NewSecret { get; set; }

    /// <summary>Replace the secret with a generated one, written once in the returned object.</summary>
    [Parameter]
    public SwitchParameter RotateSecret { get; set; }

    /// <summary>How long the replaced secret stays accepted (default 24 hours; 0 for none).</summary>
    [Parameter]
    public TimeSpan? GracePeriod { get; set; }

    [Parameter]
    public bool? AllowUnsigned { get; set; }

    [Parameter]
    public bool? Enabled { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override string Action => NewSecret is not null || RotateSecret ? "Rotate the secret and update" : "Update";

    protected override void Validate()
    {
        if (NewSecret is not null && RotateSecret)
        {
            throw MuxlyException.Invalid("MuxlyWebhookSecretConflict", "Give either -NewSecret (your secret) or -RotateSecret (a generated one), not both.");
        }

        if ((NewSecret is not null || RotateSecret) && AllowUnsigned == true)
        {
            throw MuxlyException.Invalid("MuxlyWebhookSecretConflict", "An unsigned trigger keeps no secret: -AllowUnsigned $true cannot go with -NewSecret or -RotateSecret.");
        }

        if (GracePeriod is not null && NewSecret is null && !RotateSecret)
        {
            throw MuxlyException.Invalid("MuxlyWebhookGracePeriodInvalid", "-GracePeriod applies to a rotation: use it with -NewSecret or -RotateSecret.");
        }
    }

    protected override void ProcessTarget(WebhookTrigger target)
    {
        var triggers = Store.WebhookTriggers;
        var rotate = NewSecret is not null || RotateSecret;
        var updated = target;
        if (Enabled is { } enabled)
        {
            updated = triggers.SetEnabled(target.Id, enabled);
        }

        // A rotation makes the trigger signed itself, so -AllowUnsigned $false needs no separate step then.
        if (AllowUnsigned is { } unsigned && !rotate)
        {
            updated = triggers.SetAllowUnsigned(target.Id, unsigned);
        }

        if (rotate)
        {
            updated = triggers.RotateSecret(target.Id, NewSecret is null ? null : WebhookCmdletText.Plain(NewSecret), GracePeriod);
        }

        // A generated secret is written whatever -PassThru says: this is the only time it can be seen.
        if (updated.Secret is not null)
        {
            WriteVerbose($"Generated a new secret for '{target.Path}'. It is in the Secret property of the object written now, and is not shown again.");
            WriteObject(WebhookCmdletText.Output(updated));
        }
        else if (PassThru)
        {
            WriteObject(updated);
        }
    }
}

/// <summary>Deletes webhook triggers (and their delivery history). Asks first unless -Force.</summary>
[Cmdlet(VerbsLifecycle.Unregister, "MuxlyWebhook", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByPath, HelpUri = HelpLinks.Base + "Unregister-MuxlyWebhook.md")]
[OutputType(typeof(void))]
public sealed class UnregisterMuxlyWebhookCommand : WebhookTargetCmdlet
{
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override bool SkipConfirmation => Force.IsPresent;

    protected override string Action => "Unregister";

    protected override void ProcessTarget(WebhookTrigger target) => Store.WebhookTriggers.Delete(target.Id);
}

/// <summary>Enables webhook triggers.</summary>
[Cmdlet(VerbsLifecycle.Enable, "MuxlyWebhook", SupportsShouldProcess = true, DefaultParameterSetName = ByPath, HelpUri = HelpLinks.Base + "Enable-MuxlyWebhook.md")]
[OutputType(typeof(WebhookTrigger))]
public sealed class EnableMuxlyWebhookCommand : WebhookTargetCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override string Action => "Enable";

    protected override void ProcessTarget(WebhookTrigger target)
    {
        var updated = Store.WebhookTriggers.SetEnabled(target.Id, true);
        if (PassThru)
        {
            WriteObject(updated);
        }
    }
}

/// <summary>Disables webhook triggers: calls to their paths are answered 503 and run nothing.</summary>
[Cmdlet(VerbsLifecycle.Disable, "MuxlyWebhook", SupportsShouldProcess = true, DefaultParameterSetName = ByPath, HelpUri = HelpLinks.Base + "Disable-MuxlyWebhook.md")]
[OutputType(typeof(WebhookTrigger))]
public sealed class DisableMuxlyWebhookCommand : WebhookTargetCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override string Action => "Disable";

    protected override void ProcessTarget(WebhookTrigger target)
    {
        var updated = Store.WebhookTriggers.SetEnabled(target.Id, false);
        if (PassThru)
        {
            WriteObject(updated);
        }
    }
}

/// <summary>Trigger look-up by path (wildcards; an id is accepted in place of a path) or id, as Get- does for names.</summary>
internal static class WebhookLookup
{
    public static IEnumerable<WebhookTrigger> Find(MuxlyCmdlet cmdlet, WebhookTriggerStore triggers, string[]? paths, string[]? ids)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (ids is not null)
        {
            foreach (var id in ids)
            {
                var found = triggers.FindById(id);
                if (found is null)
                {
                    cmdlet.WriteError(ErrorRecords.From(WebhookTriggerStore.NotFound(id), id));
                }
                else if (seen.Add(found.Id))
                {
                    yield return found;
                }
            }

            yield break;
        }

        if (paths is null)
        {
            foreach (var trigger in triggers.List())
            {
                yield return trigger;
            }

            yield break;
        }

        IReadOnlyList<WebhookTrigger>? all = null;
        foreach (var path in paths)
        {
            if (WildcardPattern.ContainsWildcardCharacters(path))
            {
                var pattern = new WildcardPattern(path.Trim(), WildcardOptions.None);
                all ??= triggers.List();
                foreach (var trigger in all.Where(t => pattern.IsMatch(t.Path) && seen.Add(t.Id)))
                {
                    yield return trigger;
                }

                continue;
            }

            var exact = triggers.FindByPath(path) ?? triggers.FindById(path);
            if (exact is null)
            {
                cmdlet.WriteError(ErrorRecords.From(WebhookTriggerStore.NotFound(path), path));
            }
            else if (seen.Add(exact.Id))
            {
                yield return exact;
            }
        }
    }
}

internal static class WebhookCmdletText
{
    /// <summary>The type name added to the one object that carries a generated secret: its view is a list, so the secret shows whole.</summary>
    public const string WithSecretTypeName = "Muxly.WebhookTrigger#Secret";

    public static object Output(WebhookTrigger trigger)
    {
        if (trigger.Secret is null)
        {
            return trigger;
        }

        var wrapped = PSObject.AsPSObject(trigger);
        wrapped.TypeNames.Insert(0, WithSecretTypeName);
        return wrapped;
    }

    /// <summary>The text of a SecureString, for the engine to validate and store; never written anywhere else.</summary>
    public static string Plain(SecureString secret) => new NetworkCredential(string.Empty, secret).Password;
}
