BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath
}

Describe 'Rule cmdlets' {
    BeforeEach {
        $script:Folder = New-TestFolder
        $script:Db = Join-Path $Folder 'muxly.db'
        $PSDefaultParameterValues = @{ '*-Muxly*:Database' = $Db }
        'archive', 'alerts', 'audit' | ForEach-Object { New-MuxlyDestination -Name $_ -DestinationType file -Config @{ path = '/data/out.jsonl' } } | Out-Null
    }
    AfterEach {
        $PSDefaultParameterValues = @{}
        Remove-TestFolder $Folder
    }

    Context 'creating and reading' {
        It 'creates a typed rule with its condition, priority and destinations, and reads it back' {
            $rule = New-MuxlyRule -Name eu-large -Condition "country IN ('DE','FR') AND total >= 1000" -Priority 10 -Destination archive, ALERTS -StopAfterMatch
            $rule.PSObject.TypeNames[0] | Should -Be 'Muxly.Rule'
            $rule.Condition | Should -Be "country IN ('DE','FR') AND total >= 1000"
            $rule.Priority | Should -Be 10
            $rule.StopAfterMatch | Should -BeTrue
            $rule.Destinations | Should -Be @('alerts', 'archive')
            (Get-MuxlyRule eu-*).Id | Should -Be $rule.Id
            (Get-MuxlyRule -Id $rule.Id).Name | Should -Be 'eu-large'
        }

        It 'defaults to priority 100, no destinations and a condition matching everything' {
            $rule = New-MuxlyRule -Name all
            $rule.Priority | Should -Be 100
            $rule.Condition | Should -Be ''
            $rule.Destinations | Should -BeNullOrEmpty
            $rule.StopAfterMatch | Should -BeFalse
        }

        It 'filters by destination, with wildcards' {
            New-MuxlyRule -Name a -Destination archive | Out-Null
            New-MuxlyRule -Name b -Destination alerts | Out-Null
            New-MuxlyRule -Name c | Out-Null
            (Get-MuxlyRule -Destination archive).Name | Should -Be 'a'
            (Get-MuxlyRule -Destination 'al*', 'arch*').Name | Should -Be @('a', 'b')
        }
    }

    Context 'changes, pipelines and -WhatIf' {
        It 'replaces the destination list, clears it with an empty array, and emits only with -PassThru' {
            New-MuxlyRule -Name r -Condition 'x == 1' -Destination archive | Out-Null
            Set-MuxlyRule -Name r -Destination alerts, audit | Should -BeNullOrEmpty
            (Get-MuxlyRule r).Destinations | Should -Be @('alerts', 'audit')
            $changed = Set-MuxlyRule -Name r -Destination @() -StopAfterMatch $true -Priority 5 -Condition 'y > 2' -PassThru
            $changed.Destinations | Should -BeNullOrEmpty
            $changed.StopAfterMatch | Should -BeTrue
            $changed.Priority | Should -Be 5
            $changed.Condition | Should -Be 'y > 2'
        }

        It 'disables rules piped from Get and enables them by property name' {
            'r1', 'r2', 'x' | ForEach-Object { New-MuxlyRule -Name $_ } | Out-Null
            Get-MuxlyRule r* | Disable-MuxlyRule
            (Get-MuxlyRule | Where-Object { -not $_.Enabled }).Name | Should -Be @('r1', 'r2')
            [pscustomobject]@{ Name = 'r1' } | Enable-MuxlyRule -PassThru | ForEach-Object Enabled | Should -BeTrue
        }

        It 'changes nothing under -WhatIf' {
            New-MuxlyRule -Name w -WhatIf | Should -BeNullOrEmpty
            Get-MuxlyRule | Should -BeNullOrEmpty
            New-MuxlyRule -Name w -Condition 'a == 1' -Destination archive | Out-Null
            Set-MuxlyRule -Name w -Condition 'a == 2' -Destination alerts -WhatIf
            Disable-MuxlyRule -Name w -WhatIf
            Remove-MuxlyRule -Name w -Force -WhatIf
            $rule = Get-MuxlyRule w
            $rule.Condition | Should -Be 'a == 1'
            $rule.Destinations | Should -Be 'archive'
            $rule.Enabled | Should -BeTrue
        }
    }

    Context 'transformations declared with the rule' {
        It 'creates them in order, and a re-run with -Force changes nothing' {
            $steps = @(
                @{ type = 'rename_field'; config = @{ from = 'amt'; to = 'amount' } }
                @{ type = 'REMOVE_FIELD'; config = '{"field":"internal"}' }
            )
            $first = New-MuxlyRule -Name clean -Condition 'EXISTS id' -Destination archive -Transformation $steps -Force
            $first.TransformationCount | Should -Be 2
            $before = Get-MuxlyTransformation -Rule clean
            $before.TransformationType | Should -Be @('rename_field', 'remove_field')
            $before.SequenceOrder | Should -Be @(1, 2)

            $again = New-MuxlyRule -Name clean -Condition 'EXISTS id' -Destination archive -Transformation $steps -Force
            $again.UpdatedAt | Should -Be $first.UpdatedAt
            (Get-MuxlyTransformation -Rule clean).Id | Should -Be $before.Id
        }

        It 'replaces them when the list changes, and -Force without -Transformation leaves them alone' {
            New-MuxlyRule -Name clean -Transformation @{ type = 'remove_field'; config = @{ field = 'a' } } | Out-Null
            New-MuxlyRule -Name clean -Condition 'b == 1' -Force | Out-Null
            (Get-MuxlyTransformation -Rule clean).Config | Should -Be '{"field":"a"}'
            Set-MuxlyRule -Name clean -Transformation @(@{ type = 'set_field'; config = @{ field = 'x'; value = 1 } }, @{ type = 'remove_field'; config = @{ field = 'b' } })
            (Get-MuxlyTransformation -Rule clean).TransformationType | Should -Be @('set_field', 'remove_field')
            Set-MuxlyRule -Name clean -Transformation @()
            Get-MuxlyTransformation -Rule clean | Should -BeNullOrEmpty
        }

        It 'accepts transformations read from another rule' {
            New-MuxlyRule -Name source -Transformation @{ type = 'rename_field'; config = @{ from = 'a'; to = 'b' } } | Out-Null
            New-MuxlyRule -Name copy -Transformation (Get-MuxlyTransformation -Rule source) | Out-Null
            (Get-MuxlyTransformation -Rule copy).Config | Should -Be '{"from":"a","to":"b"}'
        }

        It 'saves no rule when a declared transformation is bad' {
            $failure = $null
            try { New-MuxlyRule -Name bad -Transformation @{ type = 'teleport'; config = @{} } -ErrorAction Stop } catch { $failure = $_ }
            $failure.FullyQualifiedErrorId | Should -BeLike 'MuxlyTransformationTypeUnknown*'
            Get-MuxlyRule | Should -BeNullOrEmpty
        }
    }

    Context 'removal' {
        It 'removes a rule with its transformations' {
            New-MuxlyRule -Name doomed -Transformation @{ type = 'remove_field'; config = @{ field = 'a' } } | Out-Null
            Remove-MuxlyRule -Name doomed -Force
            Get-MuxlyRule | Should -BeNullOrEmpty
            Invoke-Sql -Database $Db -Sql 'SELECT count(*) FROM rule_transformations' -Scalar | Should -Be 0
        }
    }

    Context 'bad input changes nothing' {
        It 'refuses a condition that does not parse, naming the position' {
            $failure = $null
            try { New-MuxlyRule -Name bad -Condition 'amount >> 5' -ErrorAction Stop } catch { $failure = $_ }
            $failure.FullyQualifiedErrorId | Should -BeLike 'MuxlyConditionSyntaxError*'
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failure.Exception.Message | Should -Match 'position \d+'
            Get-MuxlyRule | Should -BeNullOrEmpty
        }

        It 'refuses a destination that does not exist' {
            $failure = $null
            try { New-MuxlyRule -Name bad -Destination archive, nowhere -ErrorAction Stop } catch { $failure = $_ }
            $failure.FullyQualifiedErrorId | Should -BeLike 'MuxlyDestinationNotFound*'
            $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $failure.Exception.Message | Should -Match 'nowhere'
            Get-MuxlyRule | Should -BeNullOrEmpty
        }

        It 'leaves a rule unchanged when Set is given a bad condition or a missing destination' {
            New-MuxlyRule -Name r -Condition 'a == 1' -Destination archive | Out-Null
            Set-MuxlyRule -Name r -Condition 'a ==' -ErrorVariable err1 -ErrorAction SilentlyContinue
            Set-MuxlyRule -Name r -Destination nowhere -ErrorVariable err2 -ErrorAction SilentlyContinue
            $err1[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyConditionSyntaxError*'
            $err2[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyDestinationNotFound*'
            $rule = Get-MuxlyRule r
            $rule.Condition | Should -Be 'a == 1'
            $rule.Destinations | Should -Be 'archive'
        }
    }

    Context 'completion' {
        It 'completes rule names and destination names' {
            'orders', 'other' | ForEach-Object { New-MuxlyRule -Name $_ } | Out-Null
            $line = "Get-MuxlyRule -Database '$Db' -Name or"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'orders'
            $line = "New-MuxlyRule -Database '$Db' -Name x -Destination al"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'alerts'
        }
    }
}
