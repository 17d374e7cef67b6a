using System.Text.Json.Nodes;
using Muxly.Router.Records;
using Muxly.Router.Runs;

namespace Muxly.Destinations.Webhooks;

/// <summary>
/// The <c>webhook</c> destination: records sent over HTTP as JSON batches or one templated body per record, with
/// headers, retries with backoff and a timeout. Config keys and defaults are on <see cref="WebhookDestinationOptions"/>.
/// <para>
/// Signing is a hook: the destination is given a factory that makes an <see cref="IRequestSigner"/> from the
/// configured <c>signing</c> scheme and secret. A destination configured to sign never sends unsigned: without a
/// factory, Open refuses it.
/// </para>
/// </summary>
public sealed class WebhookDestination : IDestinationType
{
    private readonly Func<WebhookSigningSettings, IRequestSigner>? _signerFactory;

    public WebhookDestination(Func<WebhookSigningSettings, IRequestSigner>? signerFactory = null)
    {
        _signerFactory = signerFactory;
    }

    public string Name => "webhook";

    public void Validate(JsonObject config) => WebhookDestinationOptions.Parse(config);

    public IDestinationWriter Open(DestinationSettings settings, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(context);
        var options = WebhookDestinationOptions.Parse(settings.Config);
        IRequestSigner? signer = null;
        if (options.SigningScheme is { } scheme)
        {
            if (_signerFactory is null)
            {
                throw new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyWebhookSigningUnavailable",
                    $"The webhook destination '{settings.Name}' is configured to sign its requests, but this engine has no signer. Nothing was sent.",
                    settings.Name);
            }

            signer = _signerFactory(new WebhookSigningSettings(scheme, DynamicValues.Expand(options.SigningSecret!, context)));
        }

        return new WebhookDestinationWriter(options, context, signer);
    }
}
