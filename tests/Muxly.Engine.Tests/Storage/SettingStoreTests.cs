using Muxly.Secrets;
using Muxly.Settings;
using Muxly.Storage;
using Muxly.Tests.TestSupport;
using static Muxly.Tests.TestSupport.SqliteInspection;

namespace Muxly.Tests.Storage;

/// <summary>Global settings: typed known keys with documented defaults, and free-text custom keys.</summary>
public sealed class SettingStoreTests : IDisposable
{
    private const string RetryDelay = "retry.base_delay_seconds";
    private const string ErrorMode = "router.default_error_mode";

    private readonly TempDatabase _temp = new();
    private readonly MuxlyDatabase _database;
    private readonly SettingStore _settings;

    public SettingStoreTests()
    {
        _database = _temp.Open();
        _settings = new SettingStore(_database);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void List_OnAnEmptyDatabase_ShowsEveryKnownKeyWithItsDefault()
    {
        var settings = _settings.List();

        Assert.Equal(KnownSettings.All.Select(d => d.Key).Order(StringComparer.OrdinalIgnoreCase), settings.Select(s => s.Key));
        Assert.All(settings, s =>
        {
            var definition = KnownSettings.Find(s.Key)!;
            Assert.True(s.IsDefault);
            Assert.Equal(definition.DefaultValue, s.Value);
            Assert.Equal(definition.DefaultValue, s.DefaultValue);
            Assert.Equal(definition.ValueType.Name, s.ValueType);
            Assert.False(string.IsNullOrWhiteSpace(s.Description));
            Assert.Null(s.CreatedAt);
        });
    }

    [Fact]
    public void List_ShowsStoredValuesInPlaceOfDefaults_AndCustomKeysBesideThem()
    {
        _settings.Set(RetryDelay, 7);
        _settings.Set("team.owner", "ops");

        var settings = _settings.List();

        Assert.Equal(KnownSettings.All.Count + 1, settings.Count);
        var retry = Assert.Single(settings, s => s.Key == RetryDelay);
        Assert.False(retry.IsDefault);
        Assert.Equal(7, retry.Value);
        Assert.Equal(5, retry.DefaultValue);
        Assert.NotNull(retry.CreatedAt);
        var owner = Assert.Single(settings, s => s.Key == "team.owner");
        Assert.Equal("ops", owner.Value);
        Assert.Equal("String", owner.ValueType);
        Assert.Null(owner.DefaultValue);
    }

    [Theory]
    [InlineData("7")]
    [InlineData(" 7 ")]
    [InlineData(7)]
    [InlineData(7L)]
    [InlineData(7.0)]
    public void Set_ConvertsAKnownIntegerKeysValueToInt(object input)
    {
        var result = _settings.Set(RetryDelay, input);

        Assert.True(result.Created);
        Assert.Equal(7, result.Item.Value);
        Assert.Equal(7, _settings.GetValue<int>(RetryDelay));
        Assert.Equal("7", _database.Read(connection => Scalar(connection, $"SELECT value FROM settings WHERE key = '{RetryDelay}'")));
    }

    [Fact]
    public void Set_CanonicalisesTheKeyAndAllowedValueOfAKnownSetting()
    {
        var result = _settings.Set("ROUTER.Default_Error_Mode", "FAIL");

        Assert.Equal(ErrorMode, result.Item.Key);
        Assert.Equal("fail", result.Item.Value);
        Assert.Equal("fail", _settings.GetValue<string>(ErrorMode));
    }

    [Theory]
    [InlineData(RetryDelay, "seven")]
    [InlineData(RetryDelay, "7.5")]
    [InlineData(RetryDelay, 7.5)]
    [InlineData(RetryDelay, -1)]
    [InlineData(RetryDelay, 86_401)]
    [InlineData(RetryDelay, "99999999999")]
    [InlineData(RetryDelay, true)]
    [InlineData("executions.retention_per_job", 0)]
    [InlineData(ErrorMode, "explode")]
    public void Set_RejectsAWrongTypedOrOutOfRangeValueAndStoresNothing(string key, object value)
    {
        var error = MuxlyAssert.Fails("MuxlySettingValueInvalid", () => _settings.Set(key, value));

        Assert.Equal(MuxlyErrorKind.InvalidArgument, error.Kind);
        Assert.True(_settings.Find(key)!.IsDefault);
        Assert.Equal(0L, _database.Read(connection => Count(connection, "settings")));
    }

    [Fact]
    public void Set_RejectsANullValue()
    {
        MuxlyAssert.Fails("MuxlySettingValueInvalid", () => _settings.Set("team.owner", null));
    }

    [Fact]
    public void Set_AgainWithADifferentValue_UpdatesIt_AndTheSameValueChangesNothing()
    {
        var first = _settings.Set(RetryDelay, 7).Item;

        var changed = _settings.Set(RetryDelay, 8);
        var same = _settings.Set(RetryDelay, "8");

        Assert.False(changed.Created);
        Assert.True(changed.Changed);
        Assert.Equal(8, changed.Item.Value);
        Assert.Equal(first.CreatedAt, changed.Item.CreatedAt);
        Assert.False(same.Changed);
        Assert.Equal(changed.Item.UpdatedAt, same.Item.UpdatedAt);
    }

    [Fact]
    public void CustomKeys_AreOneSettingWhateverTheCaseTheyAreWrittenIn()
    {
        _settings.Set("Team.Owner", "ops");

        var again = _settings.Set("team.owner", "sre");

        Assert.False(again.Created);
        Assert.Equal("sre", _settings.Find("TEAM.OWNER")?.Value);
        Assert.Single(_settings.List(), s => s.Key.Equals("team.owner", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(1L, _database.Read(connection => Count(connection, "settings")));
        MuxlyAssert.Fails("MuxlySettingAlreadyExists", () => _settings.Set("TEAM.owner", "x", createOnly: true));
    }

    [Fact]
    public void SetCreateOnly_OnAnExistingKey_FailsAndKeepsTheValue()
    {
        _settings.Set(RetryDelay, 7);

        var error = MuxlyAssert.Fails("MuxlySettingAlreadyExists", () => _settings.Set(RetryDelay, 8, createOnly: true));

        Assert.Equal(MuxlyErrorKind.AlreadyExists, error.Kind);
        Assert.Equal(7, _settings.GetValue<int>(RetryDelay));
    }

    [Fact]
    public void SetCreateOnly_OnANewKey_Creates()
    {
        var result = _settings.Set("team.owner", "ops", createOnly: true);

        Assert.True(result.Created);
        Assert.Equal("ops", _settings.Find("TEAM.OWNER")?.Value);
    }

    [Fact]
    public void Remove_ReturnsAKnownKeyToItsDefault()
    {
        _settings.Set(RetryDelay, 7);

        _settings.Remove(RetryDelay.ToUpperInvariant());

        var setting = _settings.Find(RetryDelay)!;
        Assert.True(setting.IsDefault);
        Assert.Equal(5, setting.Value);
        Assert.Equal(5, _settings.GetValue<int>(RetryDelay));
    }

    [Fact]
    public void Remove_DeletesACustomKey()
    {
        _settings.Set("team.owner", "ops");

        _settings.Remove("team.owner");

        Assert.Null(_settings.Find("team.owner"));
    }

    [Theory]
    [InlineData("team.owner")]
    [InlineData(RetryDelay)]
    public void Remove_OfAKeyThatIsNotStored_IsNotFound(string key)
    {
        var error = MuxlyAssert.Fails("MuxlySettingNotFound", () => _settings.Remove(key));

        Assert.Equal(MuxlyErrorKind.NotFound, error.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("1st")]
    [InlineData(".hidden")]
    [InlineData("has space")]
    [InlineData("wild*")]
    [InlineData("slash/key")]
    public void Set_RejectsAnInvalidKey(string key)
    {
        var error = MuxlyAssert.Fails("MuxlySettingKeyInvalid", () => _settings.Set(key, "x"));

        Assert.Equal(MuxlyErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(0L, _database.Read(connection => Count(connection, "settings")));
    }

    [Fact]
    public void Set_AcceptsAKeyOf128CharactersButNot129()
    {
        _settings.Set("k" + new string('x', 127), "ok");

        MuxlyAssert.Fails("MuxlySettingKeyInvalid", () => _settings.Set("k" + new string('x', 128), "too long"));
    }

    [Fact]
    public void GetValue_ReturnsTheStoredValueOrTheDefault()
    {
        Assert.Equal(300, _settings.GetValue<int>("retry.max_delay_seconds"));
        Assert.Equal("continue", _settings.GetValue<string>(ErrorMode));

        _settings.Set("retry.max_delay_seconds", 120);

        Assert.Equal(120, _settings.GetValue<int>("retry.max_delay_seconds"));
    }

    [Fact]
    public void GetValue_OfAnUnknownKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => _settings.GetValue<int>("team.owner"));
    }

    [Fact]
    public void Find_ReturnsNullForAnUnknownKeyThatIsNotStored()
    {
        Assert.Null(_settings.Find("team.owner"));
        Assert.True(_settings.Find(RetryDelay)?.IsDefault);
    }

    [Fact]
    public void SecretLookingCustomKeys_AreMaskedUnlessTheyHoldAReference()
    {
        var saved = _settings.Set("smtp.password", "hunter2").Item;
        _settings.Set("slack.api_token", "${env:SLACK_TOKEN}");

        var listed = _settings.List();

        Assert.Equal(SecretMasker.Mask, saved.Value);
        Assert.Equal(SecretMasker.Mask, listed.Single(s => s.Key == "smtp.password").Value);
        Assert.Equal(SecretMasker.Mask, _settings.Find("smtp.password")?.Value);
        Assert.Equal("${env:SLACK_TOKEN}", listed.Single(s => s.Key == "slack.api_token").Value);
        Assert.DoesNotContain("hunter2", string.Join(";", listed));
        Assert.Equal("hunter2", _database.Read(connection => Scalar(connection, "SELECT value FROM settings WHERE key = 'smtp.password'")));
    }
}
