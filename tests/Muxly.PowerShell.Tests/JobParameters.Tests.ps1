BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath
}

Describe 'Job parameters' {
    BeforeAll {
        $script:Folder = New-TestFolder
        $script:Db = Join-Path $Folder 'muxly.db'
        $PSDefaultParameterValues = @{ '*-Muxly*:Database' = $Db }
        Set-Content "$Folder/in.jsonl" '{"id":1}', '{"id":2}'
        New-MuxlyConnector -Name in -ConnectorType file -ConnectionSettings @{ path = "$Folder/in.jsonl" } | Out-Null
        New-MuxlyDestination -Name out -DestinationType file -Config @{ path = "$Folder/out-`${param:region}-`${param:day}.jsonl"; mode = 'replace' } | Out-Null
        New-MuxlyRule -Name all -Destination out | Out-Null
        New-MuxlyRoute -Name r -Connector in -Rule all | Out-Null
        New-MuxlyJob -Name export -Connector in -Route r -ActionParameters @{ route = 'r'; parameters = @{ region = 'eu'; day = '${DATE}' } } -MaxRetries 0 | Out-Null
    }
    AfterAll {
        $PSDefaultParameterValues = @{}
        Remove-TestFolder $Folder
    }

    It 'uses the job''s parameters as defaults, with dynamic values expanded' {
        (Start-MuxlyJob -Name export).Status | Should -Be 'succeeded'
        Test-Path ("$Folder/out-eu-{0:yyyy-MM-dd}.jsonl" -f (Get-Date)) | Should -BeTrue
    }

    It 'lets Start-MuxlyJob -Parameters override them for one run' {
        (Start-MuxlyJob -Name export -Parameters @{ day = '2026-01-31' }).Status | Should -Be 'succeeded'
        (Get-Content "$Folder/out-eu-2026-01-31.jsonl" | ConvertFrom-Json).id | Should -Be @(1, 2)
    }

    It 'fails the run, naming the parameter, when a referenced one is missing' {
        Set-MuxlyDestination -Name out -Config @{ path = "$Folder/out-`${param:tenant}.jsonl" }
        $result = Invoke-ChildPwsh -Script "Start-MuxlyJob -Database '$Db' -Name export"
        $result.ExitCode | Should -Not -Be 0
        $result.Output | Should -Match "parameter 'tenant'"
    }
}
