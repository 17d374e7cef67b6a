BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath

    function Read-Jsonl([string] $Path) {
        if (-not (Test-Path $Path)) { return @() }
        @(Get-Content $Path | Where-Object { $_ } | ForEach-Object { $_ | ConvertFrom-Json })
    }
}

Describe 'Running a route over files' {
    BeforeEach {
        $script:Folder = New-TestFolder
        $script:Db = Join-Path $Folder 'muxly.db'
        $PSDefaultParameterValues = @{ '*-Muxly*:Database' = $Db }
        $orders = @(
            '{"id":1,"amount":1500,"status":"paid","customer":{"country":"US"}}'
            '{"id":2,"amount":200,"status":"paid","customer":{"country":"US"}}'
            '{"id":3,"amount":3000.0,"status":"paid","customer":{"country":"DE"}}'
            '{"id":4,"amount":50,"status":"test","customer":{"country":"US"}}'
            '{"id":5,"amount":10,"status":"paid","customer":{"country":"FR"}}'
            '{"id":6,"amount":1e4,"status":"test","customer":{"country":"US"}}'
        )
        Set-Content "$Folder/orders.jsonl" $orders
        New-MuxlyConnector -Name orders -ConnectorType file -ConnectionSettings @{ path = "$Folder/orders.jsonl"; format = 'jsonl' } | Out-Null
        New-MuxlyDestination -Name big -DestinationType file -Config @{ path = "$Folder/out/big.jsonl"; format = 'jsonl'; mode = 'replace' } | Out-Null
        New-MuxlyDestination -Name us -DestinationType file -Config @{ path = "$Folder/out/us.jsonl"; format = 'jsonl'; mode = 'replace' } | Out-Null
        New-MuxlyDestination -Name tests -DestinationType file -Config @{ path = "$Folder/out/tests.jsonl"; format = 'jsonl'; mode = 'replace' } | Out-Null
        New-MuxlyDestination -Name rest -DestinationType file -Config @{ path = "$Folder/out/rest.jsonl"; format = 'jsonl'; mode = 'replace' } | Out-Null
        New-MuxlyDestination -Name dead -DestinationType file -Config @{ path = "$Folder/out/dead.jsonl"; format = 'jsonl'; mode = 'append' } | Out-Null
        # Priorities: test orders first, and they stop there; then big orders; then US orders.
        New-MuxlyRule -Name test-orders -Priority 5 -Condition "status == 'test'" -Destination tests -StopAfterMatch | Out-Null
        New-MuxlyRule -Name big-orders -Priority 10 -Condition 'amount > 1000' -Destination big | Out-Null
        Add-MuxlyTransformation -Rule big-orders -TransformationType rename_field -Config @{ from = 'amount'; to = 'revenue' } | Out-Null
        Add-MuxlyTransformation -Rule big-orders -TransformationType set_field -Config @{ field = 'category'; value = 'high' } | Out-Null
        New-MuxlyRule -Name us-orders -Priority 20 -Condition "customer.country == 'US'" -Destination us | Out-Null
        New-MuxlyRoute -Name orders -Connector orders -Rule us-orders, big-orders, test-orders -UnmatchedDestination rest -DeadLetterDestination dead | Out-Null
    }
    AfterEach {
        $PSDefaultParameterValues = @{}
        Remove-TestFolder $Folder
    }

    It 'delivers exactly the expected records to each destination, and the summary adds up' {
        $summary = Invoke-MuxlyRoute -Name orders
        $summary.PSObject.TypeNames[0] | Should -Be 'Muxly.RouteRunSummary'
        $summary.Status | Should -Be 'Succeeded'

        $big = Read-Jsonl "$Folder/out/big.jsonl"
        $big.id | Should -Be @(1, 3)
        $big.revenue | Should -Be @(1500, 3000)
        $big | ForEach-Object { $_.PSObject.Properties.Name | Should -Not -Contain 'amount'; $_.category | Should -Be 'high' }
        # The US rule sees the original record, not the one the big-orders rule transformed.
        $us = Read-Jsonl "$Folder/out/us.jsonl"
        $us.id | Should -Be @(1, 2)
        $us[0].amount | Should -Be 1500
        $us[0].PSObject.Properties.Name | Should -Not -Contain 'category'
        (Read-Jsonl "$Folder/out/tests.jsonl").id | Should -Be @(4, 6)
        (Read-Jsonl "$Folder/out/rest.jsonl").id | Should -Be @(5)
        Read-Jsonl "$Folder/out/dead.jsonl" | Should -BeNullOrEmpty -Because 'nothing failed'

        $summary.RecordsRead | Should -Be 6
        $summary.Unmatched | Should -Be 1
        ($summary.Rules | Where-Object Rule -EQ 'test-orders').Matched | Should -Be 2
        ($summary.Rules | Where-Object Rule -EQ 'big-orders').Matched | Should -Be 2
        ($summary.Rules | Where-Object Rule -EQ 'us-orders').Matched | Should -Be 2
        ($summary.Rules | ForEach-Object Rule) | Should -Be @('test-orders', 'big-orders', 'us-orders')
        $summary.Delivered | Should -Be 7
        $summary.Failed | Should -Be 0
    }

    It 'writes nothing under -WhatIf and reports what would be delivered' {
        $summary = Invoke-MuxlyRoute -Name orders -WhatIf
        $summary.DryRun | Should -BeTrue
        $summary.Delivered | Should -Be 7
        Test-Path "$Folder/out" | Should -BeFalse
    }

    It 'records a malformed line with its line number and goes on under continue' {
        Add-Content "$Folder/orders.jsonl" '{"id":7,"amount":'
        Add-Content "$Folder/orders.jsonl" '{"id":8,"amount":5000,"status":"paid","customer":{"country":"DE"}}'
        $summary = Invoke-MuxlyRoute -Name orders -WarningVariable warnings -WarningAction SilentlyContinue
        $summary.Status | Should -Be 'CompletedWithErrors'
        $summary.ReadErrors | Should -Be 1
        $summary.Errors[0] | Should -Match 'orders\.jsonl.*line 7'
        (Read-Jsonl "$Folder/out/big.jsonl").id | Should -Be @(1, 3, 8)
        $dead = Read-Jsonl "$Folder/out/dead.jsonl"
        $dead.Count | Should -Be 1
        $dead[0].location | Should -Match 'line 7'
        $warnings | Should -Not -BeNullOrEmpty
    }

    It 'stops, keeps the old output and exits non-zero under fail' {
        Set-MuxlyRoute -Name orders -ErrorMode fail
        Invoke-MuxlyRoute -Name orders | Out-Null
        $before = Get-Content "$Folder/out/big.jsonl" -Raw
        Add-Content "$Folder/orders.jsonl" 'not json at all'
        Add-Content "$Folder/orders.jsonl" '{"id":9,"amount":9000,"status":"paid","customer":{"country":"DE"}}'

        $result = Invoke-ChildPwsh -Script "Invoke-MuxlyRoute -Database '$Db' -Name orders"
        $result.ExitCode | Should -Not -Be 0
        $result.Output | Should -Match 'failed'
        Get-Content "$Folder/out/big.jsonl" -Raw | Should -Be $before
    }

    It 'refuses, before reading anything, a destination folder that cannot be written' {
        Set-Content "$Folder/blocker" 'a file where a folder should be'
        Set-MuxlyDestination -Name big -Config @{ path = "$Folder/blocker/big.jsonl"; format = 'jsonl'; mode = 'replace' }
        $failure = $null
        try { Invoke-MuxlyRoute -Name orders -ErrorAction Stop } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.Exception.Message | Should -Match 'blocker'
        Test-Path "$Folder/out/us.jsonl" | Should -BeFalse
    }

    It 'routes piped PowerShell objects with Send-MuxlyData' {
        $summary = @(
            [pscustomobject]@{ id = 100; amount = 2500; status = 'paid'; customer = [pscustomobject]@{ country = 'US' } }
            [pscustomobject]@{ id = 101; amount = 5; status = 'paid'; customer = @{ country = 'JP' } }
        ) | Send-MuxlyData -Route orders
        $summary.RecordsRead | Should -Be 2
        $big = Read-Jsonl "$Folder/out/big.jsonl"
        $big.id | Should -Be 100
        $big.revenue | Should -Be 2500
        (Read-Jsonl "$Folder/out/us.jsonl").id | Should -Be 100
        (Read-Jsonl "$Folder/out/rest.jsonl").id | Should -Be 101
    }

    It 'streams a connector''s records into the pipeline' {
        $records = Invoke-MuxlyConnector -Name orders
        $records.Count | Should -Be 6
        $records[0].customer.country | Should -Be 'US'
        (Invoke-MuxlyConnector orders | Select-Object -First 2).id | Should -Be @(1, 2)
    }

    It 'tests a rule against objects, showing the transformed record and its destinations' {
        $test = [pscustomobject]@{ id = 1; amount = 1200 } | Test-MuxlyRule -Name big-orders
        $test.Matched | Should -BeTrue
        $test.Output[0].revenue | Should -Be 1200
        $test.Output[0].category | Should -Be 'high'
        $test.Destinations | Should -Be 'big'
        ([pscustomobject]@{ amount = 3 } | Test-MuxlyRule big-orders).Matched | Should -BeFalse
    }

    It 'tests connectors and destinations' {
        (Test-MuxlyConnector -Name orders).Success | Should -BeTrue
        Set-MuxlyConnector -Name orders -ConnectionSettings @{ path = "$Folder/missing-*.jsonl"; format = 'jsonl' }
        $result = Test-MuxlyConnector -Name orders
        $result.Success | Should -BeFalse
        $result.Message | Should -Not -BeNullOrEmpty
        (Test-MuxlyDestination -Name rest).Success | Should -BeTrue
        (Read-Jsonl "$Folder/out/rest.jsonl")[0].muxly_test | Should -BeTrue
    }
}

Describe 'Test-MuxlyCondition' {
    It 'returns <Expected> for <Condition>' -ForEach @(
        @{ Condition = "amount > 1000 AND customer.country == 'US'"; Expected = $true }
        @{ Condition = "amount > 1000 AND customer.country == 'DE'"; Expected = $false }
        @{ Condition = "NOT EXISTS deleted OR amount < 0"; Expected = $true }
        @{ Condition = "tags CONTAINS 'vip'"; Expected = $true }
        @{ Condition = "missing.field == 1"; Expected = $false }
        @{ Condition = "amount == '1500'"; Expected = $false }
    ) {
        [pscustomobject]@{ amount = 1500; customer = @{ country = 'US' }; tags = @('vip', 'new') } |
            Test-MuxlyCondition -Condition $Condition | Should -Be $Expected
    }

    It 'explains which parts held' {
        $explanation = [pscustomobject]@{ a = 1; b = 2 } | Test-MuxlyCondition 'a == 1 AND b == 3' -Explain
        $explanation.Result | Should -BeFalse
        ($explanation.Parts | Where-Object Text -EQ 'b == 3').Held | Should -BeFalse
        ($explanation.Parts | Where-Object Text -EQ 'a == 1').Held | Should -BeTrue
    }

    It 'stops with the position of a syntax error' {
        $failure = $null
        try { [pscustomobject]@{ a = 1 } | Test-MuxlyCondition 'a > ' -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'MuxlyConditionSyntaxError*'
        $failure.Exception.Message | Should -Match 'position \d+'
    }
}

Describe 'An api connector against a local HTTP server' {
    BeforeAll {
        $script:Folder = New-TestFolder
        # A real HTTP server on 127.0.0.1, listening before its constructor returns: pages of orders for a bearer token.
        Add-Type -TypeDefinition @'
public sealed class MuxlyTestPagedApi : System.IDisposable {
    private readonly System.Net.HttpListener _listener = new System.Net.HttpListener();
    private readonly System.Threading.Thread _loop;
    public int Port { get; }
    public string LastAuthorization { get; private set; }
    public MuxlyTestPagedApi() {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start(); Port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port; probe.Stop();
        _listener.Prefixes.Add("http://127.0.0.1:" + Port + "/");
        _listener.Start();
        _loop = new System.Threading.Thread(Serve) { IsBackground = true };
        _loop.Start();
    }
    private void Serve() {
        while (_listener.IsListening) {
            System.Net.HttpListenerContext context;
            try { context = _listener.GetContext(); } catch { return; }
            LastAuthorization = context.Request.Headers["Authorization"];
            var page = context.Request.QueryString["page"] ?? "1";
            string body;
            if (LastAuthorization != "Bearer s3cr3t") { context.Response.StatusCode = 401; body = "{\"error\":\"unauthorized\"}"; }
            else if (page == "1") { body = "{\"data\":[{\"id\":1},{\"id\":2}]}"; }
            else if (page == "2") { body = "{\"data\":[{\"id\":3}]}"; }
            else { body = "{\"data\":[]}"; }
            var bytes = System.Text.Encoding.UTF8.GetBytes(body);
            context.Response.ContentType = "application/json";
            context.Response.OutputStream.Write(bytes, 0, bytes.Length);
            context.Response.Close();
        }
    }
    public void Dispose() { _listener.Stop(); _listener.Close(); }
}
'@
        $script:Server = [MuxlyTestPagedApi]::new()
        $script:Db = Join-Path $Folder 'muxly.db'
        $env:MUXLY_TEST_TOKEN = 's3cr3t'
        New-MuxlyConnector -Database $Db -Name pages -ConnectorType api `
            -ConnectionSettings @{ url = "http://127.0.0.1:$($Server.Port)/orders"; records_path = 'data'; pagination = @{ type = 'page'; page_param = 'page' }; timeout_seconds = 10 } `
            -AuthSettings @{ type = 'bearer'; token = '${env:MUXLY_TEST_TOKEN}' } | Out-Null
    }
    AfterAll {
        Remove-Item Env:MUXLY_TEST_TOKEN -ErrorAction SilentlyContinue
        $Server.Dispose()
        Remove-TestFolder $Folder
    }

    It 'sends the token from the environment reference and follows every page' {
        $records = Invoke-MuxlyConnector -Database $Db -Name pages
        $records.id | Should -Be @(1, 2, 3)
        $Server.LastAuthorization | Should -Be 'Bearer s3cr3t'
        (Get-MuxlyConnector -Database $Db pages).AuthSettings | Should -Not -Match 's3cr3t'
    }

    It 'says why it cannot connect, without the secret' {
        $env:MUXLY_TEST_TOKEN = 'wrong'
        try {
            $result = Test-MuxlyConnector -Database $Db -Name pages
            $result.Success | Should -BeFalse
            $result.Message | Should -Match '401'
            $result.Message | Should -Not -Match 'wrong'
        }
        finally { $env:MUXLY_TEST_TOKEN = 's3cr3t' }
    }
}

Describe 'Memory over a long input' {
    BeforeAll {
        $script:Folder = New-TestFolder
        # A small generator compiled once: writing a million lines from PowerShell itself would take minutes.
        Add-Type -TypeDefinition @'
public static class MuxlyTestOrders {
    public static void Write(string path, int count) {
        using var writer = new System.IO.StreamWriter(path);
        for (var i = 0; i < count; i++) {
            writer.Write("{\"id\":"); writer.Write(i);
            writer.Write(",\"amount\":"); writer.Write(i % 2000);
            writer.Write(",\"customer\":{\"country\":\""); writer.Write(i % 3 == 0 ? "US" : "DE");
            writer.WriteLine("\"},\"note\":\"some text to give the record a realistic size\"}");
        }
    }
}
'@
        function Measure-RoutePeak([int] $Count) {
            $input = "$Folder/in-$Count.jsonl"
            [MuxlyTestOrders]::Write($input, $Count)
            $db = "$Folder/m-$Count.db"
            $result = Invoke-ChildPwsh -Script @"
                New-MuxlyConnector -Database '$db' -Name in -ConnectorType file -ConnectionSettings @{ path = '$input'; format = 'jsonl' } | Out-Null
                New-MuxlyDestination -Database '$db' -Name out -DestinationType file -Config @{ path = '$Folder/out-$Count.jsonl'; format = 'jsonl'; mode = 'replace' } | Out-Null
                New-MuxlyRule -Database '$db' -Name big -Condition "amount > 1000 AND customer.country == 'US'" -Destination out | Out-Null
                Add-MuxlyTransformation -Database '$db' -Rule big -TransformationType rename_field -Config @{ from = 'amount'; to = 'revenue' } | Out-Null
                New-MuxlyRoute -Database '$db' -Name r -Connector in -Rule big | Out-Null
                [GC]::Collect()
                `$summary = Invoke-MuxlyRoute -Database '$db' -Name r
                'READ=' + `$summary.RecordsRead
                'PEAK=' + ((Get-Content /proc/self/status | Where-Object { `$_ -like 'VmHWM:*' }) -replace '\D', '')
"@
            $result.ExitCode | Should -Be 0 -Because $result.Output
            [regex]::Match($result.Output, 'READ=(\d+)').Groups[1].Value | Should -Be "$Count"
            Remove-Item $input
            [long][regex]::Match($result.Output, 'PEAK=(\d+)').Groups[1].Value
        }
    }
    AfterAll { Remove-TestFolder $Folder }

    It 'stays flat from 100 thousand to 1 million records' -Skip:(-not $IsLinux) {
        $small = Measure-RoutePeak 100000
        $large = Measure-RoutePeak 1000000
        # Peak resident memory in KiB: ten times the input may cost a little (GC heuristics), never ten times the memory.
        $large | Should -BeLessThan ($small * 1.5 + 20000) -Because "100k records peaked at $small KiB and 1M at $large KiB"
    }
}
