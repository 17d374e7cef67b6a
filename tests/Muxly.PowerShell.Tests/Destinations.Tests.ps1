BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath
}

Describe 'Destination cmdlets' {
    BeforeEach {
        $script:Folder = New-TestFolder
        $script:Db = Join-Path $Folder 'muxly.db'
        $PSDefaultParameterValues = @{ '*-Muxly*:Database' = $Db }
    }
    AfterEach {
        $PSDefaultParameterValues = @{}
        Remove-TestFolder $Folder
    }

    Context 'creating and reading' {
        It 'creates a typed destination and reads it back by name, wildcard and id' {
            $created = New-MuxlyDestination -Name 'archive' -DestinationType FILE -Config @{ path = '/srv/archive/${DATE}.jsonl'; format = 'jsonl' }
            $created.PSObject.TypeNames[0] | Should -Be 'Muxly.Destination'
            $created.DestinationType | Should -Be 'file'
            $created.Type | Should -Be 'file'
            $created.Enabled | Should -BeTrue
            (Get-MuxlyDestination -Name 'ARCHIVE').Id | Should -Be $created.Id
            (Get-MuxlyDestination -Name 'arch*').Id | Should -Be $created.Id
            (Get-MuxlyDestination -Id $created.Id).Name | Should -Be 'archive'
            ((Get-MuxlyDestination archive).Config | ConvertFrom-Json).format | Should -Be 'jsonl'
        }

        It 'accepts a JSON config, an explicit id and -Disabled; filters by type' {
            $d = New-MuxlyDestination -Name hook -DestinationType webhook -Config '{"url":"https://hooks.example.test/in"}' -Id 'hook-1' -Disabled
            $d.Id | Should -Be 'hook-1'
            $d.Enabled | Should -BeFalse
            New-MuxlyDestination -Name files -DestinationType file -Config @{ path = '/data/out.jsonl' } | Out-Null
            (Get-MuxlyDestination).Name | Should -Be @('files', 'hook')
            (Get-MuxlyDestination -DestinationType webhook).Name | Should -Be 'hook'
        }

        It 'writes ObjectNotFound for a missing exact name but nothing for an unmatched wildcard' {
            Get-MuxlyDestination -Name missing -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyDestinationNotFound*'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            Get-MuxlyDestination -Name 'missing*' -ErrorVariable err2 | Should -BeNullOrEmpty
            $err2 | Should -BeNullOrEmpty
        }

        It 'masks secrets in the config and keeps them when the masked config is sent back' {
            New-MuxlyDestination -Name alerts -DestinationType webhook -Config @{ url = 'https://x.test'; headers = @{ Authorization = 'Bearer s3cret' } } | Out-Null
            $shown = Get-MuxlyDestination alerts
            $shown.Config | Should -Not -Match 's3cret'
            Set-MuxlyDestination -Name alerts -Config $shown.Config
            Invoke-Sql -Database $Db -Sql "SELECT config FROM destinations WHERE name = 'alerts'" -Scalar | Should -Match 's3cret'
        }
    }

    Context 'pipelines, -PassThru and -WhatIf' {
        It 'disables destinations piped from Get and enables them by property name' {
            'd-1', 'd-2', 'other' | ForEach-Object { New-MuxlyDestination -Name $_ -DestinationType file -Config @{ path = '/data/out.jsonl' } } | Out-Null
            Get-MuxlyDestination d-* | Disable-MuxlyDestination
            (Get-MuxlyDestination | Where-Object { -not $_.Enabled }).Name | Should -Be @('d-1', 'd-2')
            [pscustomobject]@{ Name = 'd-1' } | Enable-MuxlyDestination -PassThru | ForEach-Object Enabled | Should -BeTrue
            [pscustomobject]@{ Id = (Get-MuxlyDestination d-2).Id } | Enable-MuxlyDestination
            (Get-MuxlyDestination d-2).Enabled | Should -BeTrue
        }

        It 'emits nothing from Set unless -PassThru' {
            New-MuxlyDestination -Name quiet -DestinationType file -Config @{ path = '/data/out.jsonl' } | Out-Null
            Set-MuxlyDestination -Name quiet -Config @{ path = '/tmp/a.json' } | Should -BeNullOrEmpty
            $changed = Set-MuxlyDestination -Name quiet -NewName loud -DestinationType webhook -Config @{ url = 'https://hooks.example.test/in' } -Enabled $false -PassThru
            $changed.Name | Should -Be 'loud'
            $changed.DestinationType | Should -Be 'webhook'
            $changed.Enabled | Should -BeFalse
        }

        It 'changes nothing under -WhatIf' {
            New-MuxlyDestination -Name w -DestinationType file -Config @{ path = '/data/out.jsonl' } -WhatIf | Should -BeNullOrEmpty
            Get-MuxlyDestination | Should -BeNullOrEmpty
            New-MuxlyDestination -Name w -DestinationType file -Config @{ path = '/data/out.jsonl' } | Out-Null
            Set-MuxlyDestination -Name w -NewName w2 -WhatIf
            Disable-MuxlyDestination -Name w -WhatIf
            Remove-MuxlyDestination -Name w -Force -WhatIf
            $d = Get-MuxlyDestination w
            $d.Enabled | Should -BeTrue
        }
    }

    Context 're-runnable setup' {
        It 'fails with ResourceExists on a duplicate name; -Force updates in place and a re-run changes nothing' {
            $first = New-MuxlyDestination -Name dup -DestinationType file -Config @{ path = '/a.jsonl' }
            New-MuxlyDestination -Name dup -DestinationType file -Config @{ path = '/data/out.jsonl' } -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyDestinationAlreadyExists*'
            $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'

            $again = New-MuxlyDestination -Name dup -DestinationType file -Config @{ path = '/b.jsonl' } -Force
            $again.Id | Should -Be $first.Id
            ($again.Config | ConvertFrom-Json).path | Should -Be '/b.jsonl'
            $third = New-MuxlyDestination -Name dup -DestinationType file -Config @{ path = '/b.jsonl' } -Force
            $third.UpdatedAt | Should -Be $again.UpdatedAt
            @(Get-MuxlyDestination).Count | Should -Be 1
        }
    }

    Context 'removal' {
        It 'removes a destination and, by cascade, takes it out of the rules that deliver to it' {
            'keep', 'doomed' | ForEach-Object { New-MuxlyDestination -Name $_ -DestinationType file -Config @{ path = '/data/out.jsonl' } } | Out-Null
            New-MuxlyRule -Name r -Condition 'x == 1' -Destination keep, doomed | Out-Null
            Remove-MuxlyDestination -Name doomed -Force
            (Get-MuxlyDestination).Name | Should -Be 'keep'
            (Get-MuxlyRule r).Destinations | Should -Be @('keep')
        }

        It 'asks for confirmation: a non-interactive session without -Force removes nothing' {
            New-MuxlyDestination -Name kept -DestinationType file -Config @{ path = '/data/out.jsonl' } | Out-Null
            $result = Invoke-ChildPwsh -Script "Remove-MuxlyDestination -Database '$Db' -Name kept"
            $result.ExitCode | Should -Not -Be 0
            (Get-MuxlyDestination kept).Name | Should -Be 'kept'
        }
    }

    Context 'bad input changes nothing' {
        It 'refuses <Case> with <ErrorId>' -ForEach @(
            @{ Case = 'an unknown destination type'; Arguments = @{ Name = 'x'; DestinationType = 'ftp' }; ErrorId = 'MuxlyDestinationTypeUnknown'; Category = 'InvalidArgument' }
            @{ Case = 'non-object JSON config'; Arguments = @{ Name = 'x'; DestinationType = 'file'; Config = '[1,2]' }; ErrorId = 'MuxlyConfigInvalid'; Category = 'InvalidArgument' }
            @{ Case = 'a wildcard in the name'; Arguments = @{ Name = 'a*'; DestinationType = 'file' }; ErrorId = 'MuxlyDestinationNameInvalid'; Category = 'InvalidArgument' }
        ) {
            New-MuxlyDestination -Name keep -DestinationType file -Config @{ path = '/data/out.jsonl' } | Out-Null
            $failure = $null
            try { New-MuxlyDestination @Arguments -ErrorAction Stop } catch { $failure = $_ }
            $failure.FullyQualifiedErrorId | Should -Match $ErrorId
            $failure.CategoryInfo.Category | Should -Be $Category
            (Get-MuxlyDestination).Name | Should -Be 'keep'
        }

        It 'refuses an unknown type in Set and leaves the destination as it was' {
            New-MuxlyDestination -Name keep -DestinationType file -Config @{ path = '/data/out.jsonl' } | Out-Null
            Set-MuxlyDestination -Name keep -DestinationType ftp -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyDestinationTypeUnknown*'
            (Get-MuxlyDestination keep).DestinationType | Should -Be 'file'
        }
    }

    Context 'completion' {
        It 'completes destination names and types' {
            'alpha', 'alps', 'beta' | ForEach-Object { New-MuxlyDestination -Name $_ -DestinationType file -Config @{ path = '/data/out.jsonl' } } | Out-Null
            $line = "Get-MuxlyDestination -Database '$Db' -Name al"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('alpha', 'alps')
            $line = 'New-MuxlyDestination -Name x -DestinationType we'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'webhook'
        }
    }
}
