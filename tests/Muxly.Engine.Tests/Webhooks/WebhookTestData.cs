using System.Text;
using Muxly.Webhooks;

namespace Muxly.Tests.Webhooks;

/// <summary>Published test vectors and small builders shared by the webhook tests.</summary>
internal static class WebhookTestData
{
    // GitHub's documented example ("Validating webhook deliveries", docs.github.com).
    public const string GitHubSecret = "It's a Secret to Everybody";
    public const string GitHubPayload = "Hello, World!";
    public const string GitHubSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    // The Standard Webhooks reference libraries' "sign function works" test
    // (standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts).
    public const string StandardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public const string StandardMessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    public const long StandardTimestamp = 1614265330;
    public const string StandardPayload = """{"test": 2432232314}""";
    public const string StandardSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    public static readonly DateTimeOffset StandardSignedAt = DateTimeOffset.FromUnixTimeSeconds(StandardTimestamp);

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static Dictionary<string, string> StandardHeaders(
        string id = StandardMessageId, string timestamp = "1614265330", string signature = StandardSignature) =>
        new()
        {
            ["webhook-id"] = id,
            ["webhook-timestamp"] = timestamp,
            ["webhook-signature"] = signature,
        };

    public static WebhookSignatureVerifier Verifier(WebhookScheme scheme, params string[] secrets) =>
        new(scheme, secrets.Select(s => new WebhookSecret(s)));
}
