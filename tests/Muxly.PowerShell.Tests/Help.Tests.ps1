# Every exported cmdlet has real help (from docs/cmdlets via the MAML the build generates), and docs/settings.md
# documents every known setting.

BeforeDiscovery {
    $modulePath = if ($env:MUXLY_MODULE_PATH) { $env:MUXLY_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/Muxly/Muxly.psd1' }
    Import-Module $modulePath -ErrorAction Stop
    $cmdlets = @(Get-Command -Module Muxly -CommandType Cmdlet | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    $modulePath = if ($env:MUXLY_MODULE_PATH) { $env:MUXLY_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/Muxly/Muxly.psd1' }
    Import-Module $modulePath -ErrorAction Stop
    # -WhatIf and -Confirm are documented like the cmdlet's own parameters; only the true common ones are not.
    $script:CommonParameters = @([System.Management.Automation.Cmdlet]::CommonParameters) + 'UseTransaction'

    function Get-HelpText($Node) {
        # MAML text comes back as one object per paragraph.
        (@($Node | ForEach-Object { $_.Text }) -join "`n").Trim()
    }
}

Describe 'Cmdlet help' {
    It '<Name> has a synopsis, description, examples, parameter descriptions and a HelpUri' -ForEach $cmdlets {
        $command = Get-Command -Name $Name -Module Muxly
        $help = Get-Help -Name $Name -Full
        # Every gap is collected, so that one run names them all.
        $problems = [System.Collections.Generic.List[string]]::new()

        $synopsis = "$($help.Synopsis)".Trim()
        # Without help, PowerShell makes the synopsis from the syntax: "Get-MuxlyConnector [[-Name] <string[]>] ...".
        if (-not $synopsis -or $synopsis -match "^$([regex]::Escape($Name))(\s|\[|$)") { $problems.Add('no written synopsis') }

        if (-not (Get-HelpText $help.description)) { $problems.Add('no description') }

        $examples = @($help.examples.example | Where-Object { $_ })
        if (-not $examples.Count) { $problems.Add('no example') }
        foreach ($example in $examples | Where-Object { -not "$($_.code)".Trim() }) {
            $problems.Add("example '$("$($example.title)".Trim('- '))' has no code")
        }

        $documented = @($help.parameters.parameter | Where-Object { $_ })
        foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $script:CommonParameters }) {
            $entry = $documented | Where-Object name -EQ $parameter
            if (-not $entry -or -not (Get-HelpText $entry.description)) { $problems.Add("-$parameter has no description") }
        }

        if ($command.HelpUri -notmatch '^https://') { $problems.Add("HelpUri is '$($command.HelpUri)'") }

        $problems | Should -BeNullOrEmpty -Because "the help for $Name should be complete"
    }
}

Describe 'docs/settings.md' {
    BeforeAll {
        $database = Join-Path $TestDrive "settings-$([guid]::NewGuid().ToString('N')).db"
        $defaults = @(Get-MuxlySetting -Database $database | Where-Object IsDefault | ForEach-Object Key)
        $page = Get-Content (Join-Path $PSScriptRoot '../../docs/settings.md') -Raw
        # The keys in the first column of the page's table.
        $documented = @([regex]::Matches($page, '(?m)^\|\s*`(?<key>[^`]+)`\s*\|') | ForEach-Object { $_.Groups['key'].Value })
    }

    AfterAll {
        # Pooled SQLite connections keep the file open on Windows until the pool lets go.
        [Microsoft.Data.Sqlite.SqliteConnection]::ClearAllPools()
        Remove-Item "$database*" -Force -ErrorAction SilentlyContinue
    }

    It 'a new database has default settings to document' {
        $defaults.Count | Should -BeGreaterThan 0
    }

    It 'lists every setting that Get-MuxlySetting shows with its default' {
        $missing = @($defaults | Where-Object { $_ -notin $documented })
        $missing | Should -BeNullOrEmpty -Because 'each known key needs a row in docs/settings.md'
    }

    It 'lists no key that Muxly does not know' {
        $unknown = @($documented | Where-Object { $_ -notin $defaults })
        $unknown | Should -BeNullOrEmpty -Because 'docs/settings.md should not document settings that do not exist'
    }
}
