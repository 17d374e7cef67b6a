using System.Text.Json.Nodes;
using Muxly.Json;
using Muxly.Secrets;

namespace Muxly.Tests.Secrets;

/// <summary>Which values are secret, how they are shown, and how a masked object saved back keeps its secrets.</summary>
public sealed class SecretMaskerTests
{
    [Theory]
    [InlineData("${env:API_TOKEN}", true)]
    [InlineData("${env:_x1}", true)]
    [InlineData("${env:1ST}", false)]
    [InlineData("${env:}", false)]
    [InlineData("${env:A B}", false)]
    [InlineData("prefix ${env:TOKEN}", false)]
    [InlineData("$env:TOKEN", false)]
    [InlineData("plain", false)]
    public void IsReference_RecognisesOnlyAWholeEnvironmentReference(string value, bool expected)
    {
        Assert.Equal(expected, SecretMasker.IsReference(value));
    }

    [Theory]
    [InlineData("password")]
    [InlineData("db_passwd")]
    [InlineData("client_secret")]
    [InlineData("refresh_token")]
    [InlineData("API_KEY")]
    [InlineData("apiKey")]
    [InlineData("x-api-key")]
    [InlineData("private_key")]
    [InlineData("credentials")]
    [InlineData("ConnectionString")]
    public void IsSecretKey_RecognisesSecretLookingKeys(string key)
    {
        Assert.True(SecretMasker.IsSecretKey(key));
    }

    [Theory]
    [InlineData("url")]
    [InlineData("username")]
    [InlineData("timeout_seconds")]
    [InlineData("records_path")]
    public void IsSecretKey_LeavesOrdinaryKeysAlone(string key)
    {
        Assert.False(SecretMasker.IsSecretKey(key));
    }

    [Fact]
    public void MaskAuth_MasksEverythingButDescriptiveKeys()
    {
        var auth = Parse("""{"type":"oauth2","client_id":"app","client_secret":"s","refresh":"r","pin":1234,"scopes":["a","b"]}""");

        var masked = SecretMasker.MaskAuth(auth);

        Assert.Equal("""{"type":"oauth2","client_id":"app","client_secret":"********","refresh":"********","pin":"********","scopes":["a","b"]}""", masked.ToJson());
    }

    [Fact]
    public void MaskAuth_ShowsReferencesBooleansAndNullsAsWritten()
    {
        var auth = Parse("""{"token":"${env:TOKEN}","verify":true,"extra":null}""");

        Assert.Equal(auth.ToJson(), SecretMasker.MaskAuth(auth).ToJson());
    }

    [Fact]
    public void MaskSecretKeys_MasksSecretKeysAtAnyDepthAndWholeSecretArrays()
    {
        var settings = Parse("""{"url":"https://x","headers":{"Authorization":"Bearer b","X-Api-Key":"k"},"tokens":["t1","t2"],"password":"${env:PW}"}""");

        var masked = SecretMasker.MaskSecretKeys(settings);

        Assert.Equal("""{"url":"https://x","headers":{"Authorization":"********","X-Api-Key":"********"},"tokens":"********","password":"${env:PW}"}""", masked.ToJson());
    }

    [Fact]
    public void MaskSecretKeys_MasksSecretsInsideObjectsInArrays()
    {
        var settings = Parse("""{"servers":[{"host":"a","password":"p1"},{"host":"b","password":"${env:PW_B}"}],"ports":[1,2]}""");

        var masked = SecretMasker.MaskSecretKeys(settings);

        Assert.Equal("""{"servers":[{"host":"a","password":"********"},{"host":"b","password":"${env:PW_B}"}],"ports":[1,2]}""", masked.ToJson());
    }

    [Theory]
    [InlineData("""{"url":"https://x","headers":{"Authorization":"Bearer b","X-Api-Key":"k"},"tokens":["t1","t2"],"password":"${env:PW}"}""")]
    [InlineData("""{"servers":[{"host":"a","password":"p1"},{"host":"b","password":"${env:PW_B}"}],"ports":[1,2]}""")]
    [InlineData("""{"path":"/data/in.jsonl","format":"jsonl","nested":{"a":[1,{"b":null}]}}""")]
    [InlineData("""{"type":"oauth2","client_id":"app","client_secret":"s","pin":1234,"scopes":["a","b"]}""")]
    [InlineData("""{"type":"basic","username":"bob"}""")]
    [InlineData("""{"token":"${env:TOKEN}","verify":true,"extra":null}""")]
    [InlineData("{}")]
    public void MaskingStoredText_GivesWhatMaskingTheParsedObjectGives(string stored)
    {
        Assert.Equal(SecretMasker.MaskSecretKeys(Parse(stored)).ToJson(), SecretMasker.MaskSecretKeys(stored));
        Assert.Equal(SecretMasker.MaskAuth(Parse(stored)).ToJson(), SecretMasker.MaskAuth(stored));
    }

    [Fact]
    public void MaskingStoredText_ReturnsTextWithoutSecretKeysAsItIs()
    {
        var settings = """{"path":"/data/in.jsonl","format":"jsonl"}""";
        var auth = """{"type":"basic","username":"bob"}""";

        Assert.Same(settings, SecretMasker.MaskSecretKeys(settings));
        Assert.Same(auth, SecretMasker.MaskAuth(auth));
    }

    [Fact]
    public void MaskingStoredText_FindsASecretKeyAtAnyDepth()
    {
        var masked = SecretMasker.MaskSecretKeys("""{"a":{"b":[{"c":{"api_key":"k"}}]}}""");

        Assert.Equal("""{"a":{"b":[{"c":{"api_key":"********"}}]}}""", masked);
    }

    [Fact]
    public void KeepMaskedValues_PutsStoredSecretsBackInsideArrays()
    {
        var stored = Parse("""{"servers":[{"host":"a","password":"p1"},{"host":"b","password":"p2"}]}""");
        var incoming = Parse("""{"servers":[{"host":"a2","password":"********"},{"host":"b","password":"new"},{"host":"c","password":"********"}]}""");

        var merged = SecretMasker.KeepMaskedValues(incoming, stored);

        Assert.Equal("""{"servers":[{"host":"a2","password":"p1"},{"host":"b","password":"new"},{"host":"c","password":null}]}""", merged.ToJson());
    }

    [Fact]
    public void Masking_LeavesTheOriginalObjectUntouched()
    {
        var settings = Parse("""{"password":"p"}""");

        SecretMasker.MaskSecretKeys(settings);
        SecretMasker.MaskAuth(settings);

        Assert.Equal("""{"password":"p"}""", settings.ToJson());
    }

    [Fact]
    public void KeepMaskedValues_PutsStoredSecretsBackWhereTheMaskWasSent()
    {
        var stored = Parse("""{"user":"bob","password":"p","nested":{"token":"t","region":"eu"}}""");
        var incoming = Parse("""{"user":"alice","password":"********","nested":{"token":"********","region":"us"}}""");

        var merged = SecretMasker.KeepMaskedValues(incoming, stored);

        Assert.Equal("""{"user":"alice","password":"p","nested":{"token":"t","region":"us"}}""", merged.ToJson());
    }

    [Fact]
    public void KeepMaskedValues_TakesNewSecretsAndDropsKeysNoLongerSent()
    {
        var stored = Parse("""{"password":"old","token":"t"}""");
        var incoming = Parse("""{"password":"new"}""");

        Assert.Equal("""{"password":"new"}""", SecretMasker.KeepMaskedValues(incoming, stored).ToJson());
    }

    [Fact]
    public void ParseObject_TreatsAnythingButAnObjectAsEmpty()
    {
        Assert.Equal("{}", SecretMasker.ParseObject("[1,2]").ToJson());
        Assert.Equal("""{"a":1}""", SecretMasker.ParseObject("""{"a":1}""").ToJson());
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
