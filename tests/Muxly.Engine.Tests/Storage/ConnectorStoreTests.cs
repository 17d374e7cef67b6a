using System.Text.Json.Nodes;
using Muxly.Secrets;
using Muxly.Storage;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Storage;

/// <summary>Creating, finding, changing and deleting connectors, as the MuxlyConnector cmdlets do.</summary>
public sealed class ConnectorStoreTests : IDisposable
{
    private readonly TempDatabase _temp = new();
    private readonly ConnectorStore _connectors;

    public ConnectorStoreTests()
    {
        _connectors = _temp.OpenStore().Connectors;
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Create_StoresTheConnectorWithANewId()
    {
        var result = _connectors.Create(Definition("orders", "api", """{"url":"https://shop.example/api"}"""), force: false);

        Assert.True(result.Created);
        Assert.True(result.Changed);
        var orders = result.Item;
        Assert.True(Guid.TryParse(orders.Id, out _));
        Assert.Equal("orders", orders.Name);
        Assert.Equal("api", orders.ConnectorType);
        Assert.True(orders.Enabled);
        Assert.Equal("""{"url":"https://shop.example/api"}""", orders.ConnectionSettings);
        Assert.Equal(orders.CreatedAt, orders.UpdatedAt);
        Assert.InRange(orders.CreatedAt, DateTimeOffset.Now.AddMinutes(-1), DateTimeOffset.Now.AddMinutes(1));
    }

    [Fact]
    public void Create_KeepsAnIdTheUserChose()
    {
        var created = _connectors.Create(Definition("orders") with { Id = "orders-api.v2" }, force: false).Item;

        Assert.Equal("orders-api.v2", created.Id);
        Assert.Equal("orders", _connectors.Get("orders-api.v2").Name);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("-starts-with-dash")]
    [InlineData("slash/inside")]
    [InlineData("")]
    public void Create_RejectsAnInvalidId(string id)
    {
        MuxlyAssert.Fails("MuxlyConnectorIdInvalid", () => _connectors.Create(Definition("orders") with { Id = id }, force: false));

        Assert.Empty(_connectors.List());
    }

    [Fact]
    public void Create_RejectsAnIdAlreadyInUse()
    {
        _connectors.Create(Definition("first") with { Id = "shared-id" }, force: false);

        MuxlyAssert.Fails("MuxlyConnectorAlreadyExists", () => _connectors.Create(Definition("second") with { Id = "shared-id" }, force: false));
    }

    [Fact]
    public void Create_StoresTheTypeInItsCanonicalLowerCase()
    {
        var created = _connectors.Create(Definition("sheet", " PowerShell "), force: false).Item;

        Assert.Equal("powershell", created.ConnectorType);
    }

    [Fact]
    public void GetAndFindByName_IgnoreCaseAndSurroundingSpace()
    {
        var created = _connectors.Create(Definition("Orders"), force: false).Item;

        Assert.Equal(created.Id, _connectors.Get("ORDERS").Id);
        Assert.Equal(created.Id, _connectors.FindByName("  orders ")?.Id);
        Assert.Equal(created.Id, _connectors.Get(created.Id).Id);
        Assert.Equal("Orders", _connectors.FindById(created.Id)?.Name);
    }

    [Fact]
    public void Find_ReturnsNullAndGetFailsForAnUnknownConnector()
    {
        Assert.Null(_connectors.FindByName("ghost"));
        Assert.Null(_connectors.FindById("ghost"));

        var error = MuxlyAssert.Fails("MuxlyConnectorNotFound", () => _connectors.Get("ghost"));

        Assert.Equal(MuxlyErrorKind.NotFound, error.Kind);
        Assert.Equal("ghost", error.Target);
    }

    [Fact]
    public void List_SortsByNameIgnoringCase()
    {
        foreach (var name in new[] { "charlie", "Alpha", "bravo" })
        {
            _connectors.Create(Definition(name), force: false);
        }

        Assert.Equal(["Alpha", "bravo", "charlie"], _connectors.List().Select(c => c.Name));
    }

    [Fact]
    public void Create_WithATakenName_FailsWhateverItsCase()
    {
        _connectors.Create(Definition("orders"), force: false);

        var error = MuxlyAssert.Fails("MuxlyConnectorAlreadyExists", () => _connectors.Create(Definition("ORDERS"), force: false));

        Assert.Equal(MuxlyErrorKind.AlreadyExists, error.Kind);
        Assert.Single(_connectors.List());
    }

    [Fact]
    public void CreateWithForce_UpdatesTheExistingConnectorInPlace()
    {
        var original = _connectors.Create(Definition("orders", "api", """{"url":"https://old.example"}"""), force: false).Item;

        var result = _connectors.Create(Definition("orders", "api", """{"url":"https://new.example"}""") with { Enabled = false }, force: true);

        Assert.False(result.Created);
        Assert.True(result.Changed);
        Assert.Equal(original.Id, result.Item.Id);
        Assert.Equal(original.CreatedAt, result.Item.CreatedAt);
        Assert.Equal("""{"url":"https://new.example"}""", result.Item.ConnectionSettings);
        Assert.False(result.Item.Enabled);
        Assert.Single(_connectors.List());
    }

    [Fact]
    public void CreateWithForce_RunTwiceWithTheSameDefinition_ChangesNothing()
    {
        var definition = Definition("orders", "api", """{"url":"https://shop.example"}""", """{"type":"bearer","token":"s3cret"}""");
        _connectors.Create(definition, force: true);
        var first = _connectors.Create(definition with { Enabled = false }, force: true).Item;

        var again = _connectors.Create(definition with { Enabled = false }, force: true);

        Assert.False(again.Created);
        Assert.False(again.Changed);
        Assert.Equal(first.UpdatedAt, again.Item.UpdatedAt);
        Assert.Equal(first.UpdatedAt, _connectors.Get("orders").UpdatedAt);
    }

    [Fact]
    public void CreateWithForce_RefusesAnIdThatDiffersFromTheExistingOne()
    {
        _connectors.Create(Definition("orders") with { Id = "one" }, force: false);

        MuxlyAssert.Fails("MuxlyConnectorIdConflict", () => _connectors.Create(Definition("orders") with { Id = "two" }, force: true));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("orders*")]
    [InlineData("what?")]
    [InlineData("[prod]")]
    [InlineData("line\nbreak")]
    [InlineData("tab\there")]
    public void Create_RejectsAnInvalidName(string name)
    {
        var error = MuxlyAssert.Fails("MuxlyConnectorNameInvalid", () => _connectors.Create(Definition(name), force: false));

        Assert.Equal(MuxlyErrorKind.InvalidArgument, error.Kind);
        Assert.Empty(_connectors.List());
    }

    [Fact]
    public void Create_AcceptsANameOf128CharactersButNot129()
    {
        _connectors.Create(Definition(new string('n', 128)), force: false);

        MuxlyAssert.Fails("MuxlyConnectorNameInvalid", () => _connectors.Create(Definition(new string('m', 129)), force: false));
    }

    [Fact]
    public void Create_TrimsTheName()
    {
        var created = _connectors.Create(Definition("  orders  "), force: false).Item;

        Assert.Equal("orders", created.Name);
    }

    [Theory]
    [InlineData("ftp")]
    [InlineData("")]
    public void Create_RejectsAnUnknownType(string type)
    {
        var error = MuxlyAssert.Fails("MuxlyConnectorTypeUnknown", () => _connectors.Create(Definition("orders", type), force: false));

        Assert.Contains("api", error.Message); // it lists the known types
        Assert.Empty(_connectors.List());
    }

    [Fact]
    public void Update_RenamesAndChangesTheType()
    {
        var created = _connectors.Create(Definition("orders"), force: false).Item;

        var updated = _connectors.Update(created.Id, new ConnectorChanges(Name: "sales-orders", ConnectorType: "powershell"));

        Assert.Equal(created.Id, updated.Id);
        Assert.Equal("sales-orders", updated.Name);
        Assert.Equal("powershell", updated.ConnectorType);
        Assert.Null(_connectors.FindByName("orders"));
        Assert.True(updated.UpdatedAt >= created.UpdatedAt);
    }

    [Fact]
    public void Update_ChangingOnlyTheCaseOfTheNameIsAllowed()
    {
        var created = _connectors.Create(Definition("orders"), force: false).Item;

        var updated = _connectors.Update(created.Id, new ConnectorChanges(Name: "Orders"));

        Assert.Equal("Orders", updated.Name);
    }

    [Fact]
    public void Update_RenamingOntoAnotherConnectorsName_Fails()
    {
        _connectors.Create(Definition("orders"), force: false);
        var refunds = _connectors.Create(Definition("refunds"), force: false).Item;

        MuxlyAssert.Fails("MuxlyConnectorAlreadyExists", () => _connectors.Update(refunds.Id, new ConnectorChanges(Name: "ORDERS")));

        Assert.Equal("refunds", _connectors.Get(refunds.Id).Name);
    }

    [Fact]
    public void Update_OfAnUnknownId_IsNotFound()
    {
        MuxlyAssert.Fails("MuxlyConnectorNotFound", () => _connectors.Update("ghost", new ConnectorChanges(Enabled: false)));
    }

    [Fact]
    public void Update_ValidatesTheNewNameAndType()
    {
        var created = _connectors.Create(Definition("orders"), force: false).Item;

        MuxlyAssert.Fails("MuxlyConnectorNameInvalid", () => _connectors.Update(created.Id, new ConnectorChanges(Name: "bad*name")));
        MuxlyAssert.Fails("MuxlyConnectorTypeUnknown", () => _connectors.Update(created.Id, new ConnectorChanges(ConnectorType: "ftp")));
    }

    [Fact]
    public void SetEnabled_DisablesAndEnables()
    {
        var created = _connectors.Create(Definition("orders"), force: false).Item;

        Assert.False(_connectors.SetEnabled(created.Id, false).Enabled);
        Assert.False(_connectors.Get("orders").Enabled);
        Assert.True(_connectors.SetEnabled(created.Id, true).Enabled);
        MuxlyAssert.Fails("MuxlyConnectorNotFound", () => _connectors.SetEnabled("ghost", true));
    }

    [Fact]
    public void Delete_RemovesTheConnector_AndAMissingOneIsNotFound()
    {
        var created = _connectors.Create(Definition("orders"), force: false).Item;

        _connectors.Delete(created.Id);

        Assert.Null(_connectors.FindById(created.Id));
        MuxlyAssert.Fails("MuxlyConnectorNotFound", () => _connectors.Delete(created.Id));
    }

    [Fact]
    public void Secrets_AreMaskedForDisplay_ButReferencesAreShownAsWritten()
    {
        var created = _connectors.Create(Definition("crm", "hubspot",
            connection: """{"url":"https://crm.example","api_key":"k-123","headers":{"X-Api-Token":"t-456"},"timeout":30}""",
            auth: """{"type":"basic","username":"svc","password":"${env:CRM_PASSWORD}","pin":1234,"otp":"654321"}"""),
            force: false).Item;

        var auth = JsonNode.Parse(created.AuthSettings)!.AsObject();
        Assert.Equal("basic", (string?)auth["type"]);
        Assert.Equal("svc", (string?)auth["username"]);
        Assert.Equal("${env:CRM_PASSWORD}", (string?)auth["password"]);
        Assert.Equal(SecretMasker.Mask, (string?)auth["pin"]);
        Assert.Equal(SecretMasker.Mask, (string?)auth["otp"]);

        var connection = JsonNode.Parse(created.ConnectionSettings)!.AsObject();
        Assert.Equal("https://crm.example", (string?)connection["url"]);
        Assert.Equal(SecretMasker.Mask, (string?)connection["api_key"]);
        Assert.Equal(SecretMasker.Mask, (string?)connection["headers"]!["X-Api-Token"]);
        Assert.Equal(30, (int)connection["timeout"]!);

        Assert.DoesNotContain("k-123", created.ConnectionSettings + created.AuthSettings + created.ToString());
        Assert.DoesNotContain("654321", _connectors.Get("crm").AuthSettings);
        Assert.Contains("654321", created.AuthSettingsUnmasked);
        Assert.Contains("k-123", created.ConnectionSettingsUnmasked);
    }

    [Fact]
    public void UpdateWithTheMaskSentBack_KeepsTheStoredSecret()
    {
        var created = _connectors.Create(Definition("crm", "hubspot",
            connection: """{"url":"https://crm.example","api_key":"k-123"}""",
            auth: """{"type":"bearer","token":"t-456"}"""), force: false).Item;

        // What a user does: read the (masked) connector, change one thing, save it back.
        var auth = JsonNode.Parse(created.AuthSettings)!.AsObject();
        auth["scope"] = "read";
        var connection = JsonNode.Parse(created.ConnectionSettings)!.AsObject();
        connection["url"] = "https://crm2.example";
        var updated = _connectors.Update(created.Id, new ConnectorChanges(AuthSettings: auth, ConnectionSettings: connection));

        Assert.Equal("""{"type":"bearer","token":"t-456","scope":"read"}""", updated.AuthSettingsUnmasked);
        Assert.Equal("""{"url":"https://crm2.example","api_key":"k-123"}""", updated.ConnectionSettingsUnmasked);
        Assert.Equal(SecretMasker.Mask, (string?)JsonNode.Parse(updated.AuthSettings)!["token"]);
    }

    [Fact]
    public void UpdateWithANewSecret_ReplacesTheStoredOne()
    {
        var created = _connectors.Create(Definition("crm", "hubspot", auth: """{"type":"bearer","token":"old"}"""), force: false).Item;

        var updated = _connectors.Update(created.Id, new ConnectorChanges(AuthSettings: new JsonObject { ["type"] = "bearer", ["token"] = "new" }));

        Assert.Equal("""{"type":"bearer","token":"new"}""", updated.AuthSettingsUnmasked);
    }

    [Fact]
    public void CreateWithForce_SendingTheMaskBack_KeepsTheStoredSecretAndChangesNothing()
    {
        var created = _connectors.Create(Definition("crm", "hubspot", auth: """{"type":"bearer","token":"t-456"}"""), force: false).Item;

        // A configuration exported (masked) and imported again.
        var reimported = _connectors.Create(Definition("crm", "hubspot", auth: created.AuthSettings), force: true);

        Assert.False(reimported.Changed);
        Assert.Equal("""{"type":"bearer","token":"t-456"}""", reimported.Item.AuthSettingsUnmasked);
    }

    [Fact]
    public void Each_GivesWhatListGives_InNameOrder()
    {
        foreach (var name in new[] { "b", "C", "a" })
        {
            _connectors.Create(Definition(name, connection: """{"path":"/in.jsonl","password":"p"}"""), force: false);
        }

        var streamed = _connectors.Each().ToList();

        Assert.Equal(["a", "b", "C"], streamed.Select(c => c.Name));
        Assert.Equal(_connectors.List().Select(c => (c.Id, c.ConnectionSettings, c.CreatedAt)), streamed.Select(c => (c.Id, c.ConnectionSettings, c.CreatedAt)));
        Assert.All(streamed, c => Assert.Equal("""{"path":"/in.jsonl","password":"********"}""", c.ConnectionSettings));
    }

    [Fact]
    public void Each_LetsWritersGoOnWhileItsRowsAreRead_AndClosesItsSnapshotWhenDisposedEarly()
    {
        var a = _connectors.Create(Definition("a"), force: false).Item;
        var b = _connectors.Create(Definition("b"), force: false).Item;
        _connectors.Create(Definition("c"), force: false);

        using (var listing = _connectors.Each().GetEnumerator())
        {
            Assert.True(listing.MoveNext());
            Assert.Equal("a", listing.Current.Name);

            // What a pipeline such as Get-MuxlyConnector | Disable-MuxlyConnector does: write while the rows are read.
            _connectors.SetEnabled(a.Id, false);
            _connectors.Delete(b.Id);
            Assert.Equal(1L, CheckpointBusy());

            // The listing goes on over the snapshot it started from.
            Assert.True(listing.MoveNext());
            Assert.Equal("b", listing.Current.Name);
        }

        Assert.Equal(0L, CheckpointBusy());
        Assert.Equal(["a", "c"], _connectors.List().Select(c => c.Name));
        Assert.False(_connectors.FindById(a.Id)!.Enabled);
    }

    // 1 while some reader still holds a snapshot of the write-ahead log, 0 once none does.
    private long CheckpointBusy()
    {
        using var connection = _temp.ConnectRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        using var reader = command.ExecuteReader();
        reader.Read();
        return reader.GetInt64(0);
    }

    private static ConnectorDefinition Definition(string name, string type = "database", string connection = "{}", string auth = "{}") =>
        new(name, type, JsonNode.Parse(connection)!.AsObject(), JsonNode.Parse(auth)!.AsObject());
}
