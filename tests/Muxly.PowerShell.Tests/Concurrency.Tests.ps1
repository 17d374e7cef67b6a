BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath
}

Describe 'Many processes on one database' {
    BeforeAll { $script:Folder = New-TestFolder }
    AfterAll { Remove-TestFolder $Folder }

    It 'keeps every write from eight pwsh processes writing at once, with no "database is locked"' {
        $db = "$Folder/shared.db"
        $perProcess = 20
        $processes = foreach ($n in 1..8) {
            # The first write of each process may also be the one that creates and migrates the file.
            Start-ChildPwsh -Folder $Folder -Name "writer$n" -Script @"
                `$ErrorActionPreference = 'Stop'
                foreach (`$i in 1..$perProcess) {
                    New-MuxlyConnector -Database '$db' -Name "p$n-c`$i" -ConnectorType file -ConnectionSettings @{ path = "/data/$n/`$i.json" } | Out-Null
                    Set-MuxlySetting -Database '$db' -Key "load.p$n.k`$i" -Value `$i
                    Set-MuxlyConnector -Database '$db' -Name "p$n-c`$i" -ConnectionSettings @{ path = "/data/$n/`$i.jsonl" }
                }
"@
        }
        foreach ($process in $processes) { $process.WaitForExit(300000) | Should -BeTrue }

        $errors = Get-ChildItem "$Folder/writer*.err.txt" | Get-Content -Raw
        ($errors -join '') | Should -Not -Match 'locked'
        ($errors -join '') | Should -BeNullOrEmpty
        $processes.ExitCode | Should -Be (@(0) * 8)

        $connectors = Get-MuxlyConnector -Database $db
        $connectors.Count | Should -Be (8 * $perProcess)
        ($connectors | Where-Object { ($_.ConnectionSettings | ConvertFrom-Json).path -notlike '*.jsonl' }) | Should -BeNullOrEmpty
        (Get-MuxlySetting -Database $db -Key 'load.*').Count | Should -Be (8 * $perProcess)
    }
}
