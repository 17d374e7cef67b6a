BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath
}

Describe 'A setup script' {
    BeforeAll {
        $script:Folder = New-TestFolder
        $script:Db = "$Folder/setup.db"
        $script:Setup = "$Folder/setup.ps1"
        Set-Content $Setup @"
`$ErrorActionPreference = 'Stop'
Connect-MuxlyDatabase -Path '$Db'
New-MuxlyConnector -Name orders -ConnectorType api -Force -ConnectionSettings @{ url = 'https://shop.example.test/api/orders'; records_path = 'data' } -AuthSettings @{ type = 'bearer'; token = '`${env:SHOP_TOKEN}' } | Out-Null
New-MuxlyConnector -Name exports -ConnectorType file -Force -ConnectionSettings @{ path = '/srv/exports/*.csv'; format = 'csv' } | Out-Null
Set-MuxlySetting -Key executions.retention_per_job -Value 500
Set-MuxlySetting -Key team.owner -Value 'ops@example.test'
"@
    }
    AfterAll { Remove-TestFolder $Folder }

    It 'runs twice with the same result and no error' {
        $first = Invoke-ChildPwsh -Script ". '$Setup'"
        $first.ExitCode | Should -Be 0 -Because $first.Output
        $snapshot = { Invoke-Sql -Database $Db -Sql 'SELECT id, name, connector_type, enabled, auth_settings, connection_settings, updated_at FROM connectors ORDER BY name; ' | ConvertTo-Json -Compress }
        $settings = { Invoke-Sql -Database $Db -Sql 'SELECT key, value, updated_at FROM settings ORDER BY key' | ConvertTo-Json -Compress }
        $connectorsAfterFirst = & $snapshot
        $settingsAfterFirst = & $settings

        $second = Invoke-ChildPwsh -Script ". '$Setup'"
        $second.ExitCode | Should -Be 0 -Because $second.Output
        $second.Output | Should -BeNullOrEmpty
        & $snapshot | Should -Be $connectorsAfterFirst
        & $settings | Should -Be $settingsAfterFirst
        (Get-MuxlyConnector -Database $Db).Name | Should -Be @('exports', 'orders')
        ((Get-MuxlyConnector -Database $Db orders).AuthSettings | ConvertFrom-Json).token | Should -Be '${env:SHOP_TOKEN}'
    }
}
