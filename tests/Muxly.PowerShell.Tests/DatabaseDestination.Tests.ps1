BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath
}

Describe 'The database destination (SQLite)' {
    BeforeEach {
        $script:Folder = New-TestFolder
        $script:Db = Join-Path $Folder 'muxly.db'
        $script:Warehouse = Join-Path $Folder 'warehouse.db'
        $PSDefaultParameterValues = @{ '*-Muxly*:Database' = $Db }
        Set-Content "$Folder/orders.jsonl" @(
            '{"id":1,"amount":1500,"customer":{"country":"US"},"items":[{"sku":"A"}]}'
            '{"id":2,"amount":20.5,"customer":{"country":"DE"},"items":[]}'
            '{"id":1,"amount":1600,"customer":{"country":"US"},"items":[{"sku":"B"}]}'
        )
        New-MuxlyConnector -Name orders -ConnectorType file -ConnectionSettings @{ path = "$Folder/orders.jsonl" } | Out-Null
    }
    AfterEach {
        $PSDefaultParameterValues = @{}
        Remove-TestFolder $Folder
    }

    It 'creates the table, maps nested fields, upserts on the key and reads back through SQL' {
        New-MuxlyDestination -Name warehouse -DestinationType database -Config @{
            provider = 'sqlite'; path = $Warehouse; table = 'orders'; upsert_key = 'id'
            columns = [ordered]@{ id = 'id'; country = 'customer.country'; amount = 'amount'; items = 'items' }
        } | Out-Null
        New-MuxlyRule -Name all -Condition '' -Destination warehouse | Out-Null
        New-MuxlyRoute -Name orders -Connector orders -Rule all | Out-Null

        $summary = Invoke-MuxlyRoute -Name orders

        $summary.Status | Should -Be 'Succeeded'
        $rows = @(Invoke-Sql -Database $Warehouse -Sql 'SELECT id, country, amount, items, typeof(amount) AS kind FROM orders ORDER BY id')
        $rows.id | Should -Be @(1, 2)
        $rows.country | Should -Be @('US', 'DE')
        $rows.amount | Should -Be @(1600, 20.5) -Because 'the third record updated the row of id 1'
        $rows.items | Should -Be @('[{"sku":"B"}]', '[]')
        $rows.kind | Should -Be @('integer', 'real')
        (Test-MuxlyDestination -Name warehouse).Success | Should -BeTrue
        Invoke-Sql -Database $Warehouse -Sql 'SELECT count(*) FROM orders' -Scalar | Should -Be 2 -Because 'testing leaves no row behind'
    }

    It 'refuses <Why> when saved, naming the key, and saves nothing' -ForEach @(
        @{ Why = 'postgresql'; Key = 'provider'; Config = @{ provider = 'postgresql'; path = 'x.db'; table = 't' } }
        @{ Why = 'a table name carrying SQL'; Key = 'table'; Config = @{ provider = 'sqlite'; path = 'x.db'; table = 'orders; DROP TABLE users' } }
        @{ Why = 'an upsert key that is not a column'; Key = 'upsert_key'; Config = @{ provider = 'sqlite'; path = 'x.db'; table = 't'; columns = @{ id = 'id' }; upsert_key = 'sku' } }
    ) {
        $Config.path = Join-Path $Folder $Config.path
        New-MuxlyDestination -Name bad -DestinationType database -Config $Config -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyDestinationConfigInvalid*'
        $err[0].Exception.Message | Should -Match "'$Key'|$Key"
        Get-MuxlyDestination | Should -BeNullOrEmpty
        Test-Path (Join-Path $Folder 'x.db') | Should -BeFalse
    }
}
