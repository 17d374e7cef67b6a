BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:ModuleFolder = Split-Path $ModulePath
}

Describe 'Importing the module' {
    It 'imports in a fresh pwsh without loading SQLite or opening anything' {
        $result = Invoke-ChildPwsh -Script @'
            $loaded = [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name
            'SQLITE:' + (@($loaded | Where-Object { $_ -like '*Sqlite*' }) -join ',')
            'ENGINE-NATIVE:' + ([bool](Get-Process -Id $PID).Modules.Where({ $_.ModuleName -like '*e_sqlite3*' }).Count)
'@
        $result.ExitCode | Should -Be 0
        $result.Output | Should -Match 'SQLITE:\s*(\n|$)'
        $result.Output | Should -Match 'ENGINE-NATIVE:False'
    }

    It 'loads the native SQLite library on first use' {
        $folder = New-TestFolder
        try {
            $result = Invoke-ChildPwsh -Script "New-MuxlyConnector -Database '$folder/a.db' -Name one -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } | Out-Null; (Get-MuxlyConnector -Database '$folder/a.db').Name"
            $result.ExitCode | Should -Be 0
            $result.Output | Should -Be 'one'
        }
        finally { Remove-TestFolder $folder }
    }

    It 'works when imported again in a second runspace of the same process' {
        $folder = New-TestFolder
        try {
            Import-Module $ModulePath
            New-MuxlyConnector -Database "$folder/a.db" -Name first -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } | Out-Null
            $names = Start-ThreadJob -ScriptBlock {
                param($module, $database)
                Import-Module $module
                New-MuxlyConnector -Database $database -Name second -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } | Out-Null
                (Get-MuxlyConnector -Database $database).Name
            } -ArgumentList $ModulePath, "$folder/a.db" | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop
            $names | Should -Be @('first', 'second')
        }
        finally { Remove-TestFolder $folder }
    }

    It 'ships no System.Text.Json.dll (the shared framework''s copy is used)' {
        Get-ChildItem $ModuleFolder -Recurse -Filter 'System.Text.Json.dll' | Should -BeNullOrEmpty
    }

    It 'ships <_> precompiled (ReadyToRun) for this platform, with its IL kept' -ForEach @(
        'Muxly.dll', 'Muxly.Engine.dll', 'Microsoft.Data.Sqlite.dll', 'NCrontab.dll', 'SQLitePCLRaw.core.dll') {
        $stream = [System.IO.File]::OpenRead((Join-Path $ModuleFolder $_))
        try {
            $headers = [System.Reflection.PortableExecutable.PEReader]::new($stream).PEHeaders
            $headers.CorHeader.ManagedNativeHeaderDirectory.Size | Should -BeGreaterThan 0 -Because 'build.ps1 precompiles it'
            $headers.MetadataSize | Should -BeGreaterThan 0
        }
        finally { $stream.Dispose() }
    }

    It 'keeps targeting net8.0, so that pwsh 7.4 can still load it' -ForEach @('Muxly.dll', 'Muxly.Engine.dll') {
        # The TargetFramework attribute's value, as UTF-8 in the metadata.
        $bytes = [System.IO.File]::ReadAllBytes((Join-Path $ModuleFolder $_))
        [System.Text.Encoding]::UTF8.GetString($bytes) | Should -Match '\.NETCoreApp,Version=v8\.0'
    }

    It 'runs the engine from its precompiled code instead of compiling it at the first call' {
        # A runtime ignores ReadyToRun code compiled against another major version of .NET (the SDK's
        # PublishReadyToRun compiles against the project's net8.0, which .NET 10 ignores). Then the first condition
        # that uses the parser's other branches has the JIT compile about 50 of the engine's methods on this thread;
        # with the precompiled code in use, about 18 remain (generic code shared with the framework).
        $result = Invoke-ChildPwsh -Script @'
            $null = Test-MuxlyCondition -Condition "a == 1" -InputObject @{ a = 1 }
            $before = [System.Runtime.JitInfo]::GetCompiledMethodCount($true)
            $null = Test-MuxlyCondition -InputObject @{ amount = 1 } -Condition ("NOT (amount > 1000 AND customer.country == 'US') OR name MATCHES '^a' " +
                "OR `$.items[0].sku STARTS WITH 'x' OR note ICONTAINS 'rush' OR title ENDS WITH 'z' OR size <= 3.5")
            'JITTED:' + ([System.Runtime.JitInfo]::GetCompiledMethodCount($true) - $before)
'@
        $result.ExitCode | Should -Be 0
        [int]($result.Output -replace '(?s).*JITTED:(\d+).*', '$1') | Should -BeLessThan 33
    }

    It 'ships native SQLite for <_>' -ForEach @('linux-x64', 'linux-arm64', 'osx-arm64', 'win-x64') {
        Get-ChildItem (Join-Path $ModuleFolder "runtimes/$_/native") -Filter '*e_sqlite3*' | Should -Not -BeNullOrEmpty
    }
}

Describe 'The manifest' {
    BeforeAll {
        $script:Manifest = Import-PowerShellDataFile $ModulePath
        Import-Module $ModulePath
        $script:Commands = Get-Command -Module Muxly
    }

    It 'lists its cmdlets explicitly, without wildcards, and exports exactly those' {
        $Manifest.CmdletsToExport | Should -Not -BeNullOrEmpty
        $Manifest.CmdletsToExport | Where-Object { $_ -match '[*?]' } | Should -BeNullOrEmpty
        ($Commands.Name | Sort-Object) | Should -Be ($Manifest.CmdletsToExport | Sort-Object)
    }

    It 'gives every cmdlet an approved verb, an OutputType and a HelpUri' {
        $approved = (Get-Verb).Verb
        foreach ($command in $Commands) {
            $command.Verb | Should -BeIn $approved -Because $command.Name
            $command.HelpUri | Should -Not -BeNullOrEmpty -Because $command.Name
            if ($command.Verb -notin 'Remove', 'Update', 'Connect') {
                $command.OutputType | Should -Not -BeNullOrEmpty -Because $command.Name
            }
        }
    }

    It 'supports -WhatIf and -Confirm on every cmdlet that changes something' {
        foreach ($command in $Commands | Where-Object Verb -In 'New', 'Set', 'Remove', 'Enable', 'Disable', 'Update', 'Backup') {
            $command.Parameters.Keys | Should -Contain 'WhatIf' -Because $command.Name
            $command.Parameters.Keys | Should -Contain 'Confirm' -Because $command.Name
        }
    }

    It 'takes -Database on every cmdlet' {
        foreach ($command in $Commands) {
            $command.Parameters.Keys | Should -Contain 'Database' -Because $command.Name
        }
    }

    It 'has a table view for <_>' -ForEach @('Muxly.Connector', 'Muxly.Setting', 'Muxly.MigrationInfo') {
        $view = Get-FormatData -TypeName $_
        $view | Should -Not -BeNullOrEmpty
        $view.FormatViewDefinition.Control.GetType().Name | Should -Be 'TableControl'
    }
}
