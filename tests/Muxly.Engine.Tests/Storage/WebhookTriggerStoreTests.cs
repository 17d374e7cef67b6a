using Muxly.Storage;
using Muxly.Tests.TestSupport;
using Muxly.Webhooks;

namespace Muxly.Tests.Storage;

/// <summary>Registering, finding, rotating and removing webhook triggers; the secret is shown once and never again.</summary>
public sealed class WebhookTriggerStoreTests : IDisposable
{
    private readonly JobFixture _fixture = new();
    private readonly WebhookTriggerStore _triggers;

    public WebhookTriggerStoreTests()
    {
        _fixture.WebhookConnector("hook");
        _fixture.Job("deploy", "hook");
        _triggers = _fixture.Store.WebhookTriggers;
    }

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Register_WithoutSecret_GeneratesOneAndShowsItOnlyOnTheReturnedObject()
    {
        var registered = _triggers.Register(new WebhookRegistration("deploy", "/hooks/deploy"));

        Assert.StartsWith("whsec_", registered.Secret);
        Assert.Equal(32, WebhookSecret.ToKeyBytes(registered.Secret!, WebhookScheme.StandardWebhooks).Length);
        Assert.True(registered.HasSecret);
        Assert.Equal(("deploy", "/hooks/deploy", WebhookScheme.StandardWebhooks, true), (registered.Job, registered.Path, registered.Scheme, registered.Enabled));

        var read = _triggers.FindById(registered.Id)!;
        Assert.Null(read.Secret);
        Assert.True(read.HasSecret);
        Assert.All(_triggers.List(), t => Assert.Null(t.Secret));
    }

    [Fact]
    public void Register_GitHubScheme_GeneratesHexText_AndAGivenSecretIsNeverEchoed()
    {
        var generated = _triggers.Register(new WebhookRegistration("deploy", "/gh/a", WebhookScheme.GitHub));
        Assert.Matches("^[0-9a-f]{64}$", generated.Secret);

        var given = _triggers.Register(new WebhookRegistration("deploy", "/gh/b", WebhookScheme.GitHub, Secret: "It's a Secret to Everybody"));
        Assert.Null(given.Secret);
        Assert.True(given.HasSecret);
    }

    [Theory]
    [InlineData("/hooks/deploy", "/hooks/deploy")]
    [InlineData("  /hooks/deploy/ ", "/hooks/deploy")]
    [InlineData("//hooks///Deploy//", "/hooks/Deploy")]
    [InlineData("/a-b_c.d~e/x:y@z", "/a-b_c.d~e/x:y@z")]
    public void NormalizePath_KeepsCase_CollapsesSlashes_AndDropsTheTrailingSlash(string given, string expected) =>
        Assert.Equal(expected, WebhookTriggerStore.NormalizePath(given));

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("hooks/deploy")]
    [InlineData("http://example.test/hooks")]
    [InlineData("/hooks/../admin")]
    [InlineData("/hooks/./deploy")]
    [InlineData("/hooks/deploy?token=1")]
    [InlineData("/hooks/deploy#top")]
    [InlineData("/hooks/my deploy")]
    [InlineData("/hooks/d%65ploy")]
    [InlineData("/hooks/déploy")]
    [InlineData("/hooks/\u0001")]
    [InlineData("/hooks/<x>")]
    public void NormalizePath_RefusesWhatIsNotACleanAbsolutePath(string path)
    {
        var error = Assert.Throws<MuxlyException>(() => WebhookTriggerStore.NormalizePath(path));
        Assert.Equal("MuxlyWebhookPathInvalid", error.ErrorId);
    }

    [Fact]
    public void Register_RefusesMissingJobs_DuplicatePaths_ShortSecrets_AndChangesNothing()
    {
        _triggers.Register(new WebhookRegistration("deploy", "/hooks/deploy"));

        Assert.Equal("MuxlyJobNotFound", Assert.Throws<MuxlyException>(() => _triggers.Register(new WebhookRegistration("nope", "/hooks/x"))).ErrorId);
        var duplicate = Assert.Throws<MuxlyException>(() => _triggers.Register(new WebhookRegistration("deploy", "/hooks//deploy/")));
        Assert.Equal(("MuxlyWebhookPathAlreadyExists", MuxlyErrorKind.AlreadyExists), (duplicate.ErrorId, duplicate.Kind));
        Assert.Equal("MuxlyWebhookSecretTooShort", Assert.Throws<MuxlyException>(() =>
            _triggers.Register(new WebhookRegistration("deploy", "/hooks/y", WebhookScheme.GitHub, Secret: "short"))).ErrorId);
        Assert.Equal("MuxlyWebhookSecretInvalid", Assert.Throws<MuxlyException>(() =>
            _triggers.Register(new WebhookRegistration("deploy", "/hooks/y", Secret: "whsec_not base64!"))).ErrorId);
        Assert.Equal("MuxlyWebhookSecretConflict", Assert.Throws<MuxlyException>(() =>
            _triggers.Register(new WebhookRegistration("deploy", "/hooks/y", Secret: WebhookSecret.Generate(WebhookScheme.StandardWebhooks), AllowUnsigned: true))).ErrorId);

        Assert.Single(_triggers.List());
    }

    [Fact]
    public void Unsigned_KeepsNoSecret_AndSigningAgainNeedsOne()
    {
        var unsigned = _triggers.Register(new WebhookRegistration("deploy", "/open", AllowUnsigned: true));
        Assert.Equal((true, false, null), (unsigned.AllowUnsigned, unsigned.HasSecret, unsigned.Secret));
        Assert.Equal("MuxlyWebhookSecretMissing", Assert.Throws<MuxlyException>(() => _triggers.SetAllowUnsigned(unsigned.Id, false)).ErrorId);

        var rotated = _triggers.RotateSecret(unsigned.Id);
        Assert.Equal((false, true), (rotated.AllowUnsigned, rotated.HasSecret));
        Assert.NotNull(rotated.Secret);
        Assert.Null(rotated.PreviousSecretAcceptedUntil);

        var opened = _triggers.SetAllowUnsigned(unsigned.Id, true);
        Assert.Equal((true, false), (opened.AllowUnsigned, opened.HasSecret));
        Assert.Empty(_triggers.ReadSecrets(unsigned.Id));
    }

    [Fact]
    public void RotateSecret_KeepsThePreviousOneForTheGracePeriod()
    {
        var first = _triggers.Register(new WebhookRegistration("deploy", "/hooks/deploy"));

        var rotated = _triggers.RotateSecret(first.Id, gracePeriod: TimeSpan.FromHours(2));

        Assert.NotEqual(first.Secret, rotated.Secret);
        Assert.InRange(rotated.PreviousSecretAcceptedUntil!.Value, DateTimeOffset.UtcNow.AddHours(1.9), DateTimeOffset.UtcNow.AddHours(2.1));
        Assert.Null(_triggers.FindById(first.Id)!.Secret);
        var secrets = _triggers.ReadSecrets(first.Id);
        Assert.Equal(2, secrets.Count);
        Assert.Null(secrets[0].AcceptedUntil);
        Assert.NotNull(secrets[1].AcceptedUntil);

        var given = _triggers.RotateSecret(first.Id, WebhookSecret.Generate(WebhookScheme.StandardWebhooks), TimeSpan.Zero);
        Assert.Null(given.Secret);
        Assert.Single(_triggers.ReadSecrets(first.Id));
        Assert.Equal("MuxlyWebhookGracePeriodInvalid", Assert.Throws<MuxlyException>(() => _triggers.RotateSecret(first.Id, gracePeriod: TimeSpan.FromDays(31))).ErrorId);
        Assert.Equal("MuxlyWebhookSecretTooShort", Assert.Throws<MuxlyException>(() => _triggers.RotateSecret(first.Id, "whsec_AAAA")).ErrorId);
    }

    [Fact]
    public void EnableDisableFindAndDelete()
    {
        var trigger = _triggers.Register(new WebhookRegistration("deploy", "/hooks/deploy", Enabled: false));
        Assert.False(trigger.Enabled);
        Assert.False(_triggers.AnyEnabled());

        Assert.True(_triggers.SetEnabled(trigger.Id, true).Enabled);
        Assert.True(_triggers.AnyEnabled());
        Assert.Equal(trigger.Id, _triggers.FindByPath("/hooks/deploy/")!.Id);
        Assert.Equal(trigger.Id, _triggers.Get("/hooks/deploy").Id);
        Assert.Null(_triggers.FindByPath("/hooks/DEPLOY"));

        _triggers.Delete(trigger.Id);
        Assert.Empty(_triggers.List());
        Assert.Equal("MuxlyWebhookNotFound", Assert.Throws<MuxlyException>(() => _triggers.Delete(trigger.Id)).ErrorId);
    }

    [Fact]
    public void DeletingTheJob_RemovesItsTriggers()
    {
        _triggers.Register(new WebhookRegistration("deploy", "/hooks/deploy"));
        _fixture.Store.Jobs.Delete(_fixture.Store.Jobs.Get("deploy").Id);
        Assert.Empty(_triggers.List());
    }
}
