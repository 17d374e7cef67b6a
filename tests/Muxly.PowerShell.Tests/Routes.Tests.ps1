BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath
}

Describe 'Route cmdlets' {
    BeforeEach {
        $script:Folder = New-TestFolder
        $script:Db = Join-Path $Folder 'muxly.db'
        $PSDefaultParameterValues = @{ '*-Muxly*:Database' = $Db }
        'orders', 'invoices' | ForEach-Object { New-MuxlyConnector -Name $_ -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } } | Out-Null
        'archive', 'failed', 'unrouted' | ForEach-Object { New-MuxlyDestination -Name $_ -DestinationType file -Config @{ path = '/data/out.jsonl' } } | Out-Null
        New-MuxlyRule -Name late -Priority 50 -Destination archive | Out-Null
        New-MuxlyRule -Name early -Priority 10 -Destination archive | Out-Null
    }
    AfterEach {
        $PSDefaultParameterValues = @{}
        Remove-TestFolder $Folder
    }

    Context 'creating and reading' {
        It 'creates a typed route with its connector, rules in evaluation order and error handling' {
            $route = New-MuxlyRoute -Name orders-out -Connector ORDERS -Rule late, early -ErrorMode fail -DeadLetterDestination failed -UnmatchedDestination unrouted
            $route.PSObject.TypeNames[0] | Should -Be 'Muxly.Route'
            $route.Connector | Should -Be 'orders'
            $route.Rules | Should -Be @('early', 'late')
            $route.ErrorMode | Should -Be 'fail'
            $route.DeadLetterDestination | Should -Be 'failed'
            $route.UnmatchedDestination | Should -Be 'unrouted'
            (Get-MuxlyRoute orders-*).Id | Should -Be $route.Id
            (Get-MuxlyRoute -Id $route.Id).Name | Should -Be 'orders-out'
        }

        It 'defaults to error mode continue with no dead-letter or unmatched destination' {
            $route = New-MuxlyRoute -Name plain -Connector orders
            $route.ErrorMode | Should -Be 'continue'
            $route.DeadLetterDestination | Should -BeNullOrEmpty
            $route.UnmatchedDestination | Should -BeNullOrEmpty
            $route.Rules | Should -BeNullOrEmpty
        }

        It 'filters by connector, by name with wildcards or by a piped connector, never taking the connector name for a route name' {
            New-MuxlyRoute -Name a -Connector orders | Out-Null
            New-MuxlyRoute -Name b -Connector invoices | Out-Null
            New-MuxlyRoute -Name c -Connector orders | Out-Null
            (Get-MuxlyRoute -Connector orders).Name | Should -Be @('a', 'c')
            (Get-MuxlyRoute -Connector 'inv*').Name | Should -Be 'b'
            (Get-MuxlyRoute -Name c -Connector invoices) | Should -BeNullOrEmpty
            $piped = Get-MuxlyConnector orders | Get-MuxlyRoute -ErrorVariable err
            $err | Should -BeNullOrEmpty
            $piped.Name | Should -Be @('a', 'c')
            (Get-MuxlyConnector | Get-MuxlyRoute).Name | Should -Be @('b', 'a', 'c')
            ('b' | Get-MuxlyRoute).Connector | Should -Be 'invoices'
        }
    }

    Context 'changes, pipelines and -WhatIf' {
        It 'replaces rules, clears a destination with an empty string, and emits only with -PassThru' {
            New-MuxlyRoute -Name r -Connector orders -Rule early -DeadLetterDestination failed -UnmatchedDestination unrouted | Out-Null
            Set-MuxlyRoute -Name r -Rule late | Should -BeNullOrEmpty
            (Get-MuxlyRoute r).Rules | Should -Be 'late'
            $changed = Set-MuxlyRoute -Name r -DeadLetterDestination '' -Connector invoices -ErrorMode fail -PassThru
            $changed.DeadLetterDestination | Should -BeNullOrEmpty
            $changed.UnmatchedDestination | Should -Be 'unrouted'
            $changed.Connector | Should -Be 'invoices'
            $changed.ErrorMode | Should -Be 'fail'
            (Set-MuxlyRoute -Name r -Rule @() -PassThru).Rules | Should -BeNullOrEmpty
        }

        It 'disables routes piped from Get and enables them by property name' {
            'r1', 'r2' | ForEach-Object { New-MuxlyRoute -Name $_ -Connector orders } | Out-Null
            Get-MuxlyRoute r* | Disable-MuxlyRoute
            (Get-MuxlyRoute | Where-Object Enabled).Name | Should -BeNullOrEmpty
            [pscustomobject]@{ Id = (Get-MuxlyRoute r2).Id } | Enable-MuxlyRoute -PassThru | ForEach-Object Name | Should -Be 'r2'
        }

        It 'changes nothing under -WhatIf' {
            New-MuxlyRoute -Name w -Connector orders -WhatIf | Should -BeNullOrEmpty
            Get-MuxlyRoute | Should -BeNullOrEmpty
            New-MuxlyRoute -Name w -Connector orders -Rule early | Out-Null
            Set-MuxlyRoute -Name w -Rule late -Connector invoices -WhatIf
            Disable-MuxlyRoute -Name w -WhatIf
            Remove-MuxlyRoute -Name w -Force -WhatIf
            $route = Get-MuxlyRoute w
            $route.Rules | Should -Be 'early'
            $route.Connector | Should -Be 'orders'
            $route.Enabled | Should -BeTrue
        }

        It 'updates in place with -Force, and a re-run changes nothing' {
            $first = New-MuxlyRoute -Name f -Connector orders -Rule early
            New-MuxlyRoute -Name f -Connector orders -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyRouteAlreadyExists*'
            $second = New-MuxlyRoute -Name f -Connector orders -Rule early, late -DeadLetterDestination failed -Force
            $second.Id | Should -Be $first.Id
            $second.Rules | Should -Be @('early', 'late')
            (New-MuxlyRoute -Name f -Connector orders -Rule early, late -DeadLetterDestination failed -Force).UpdatedAt | Should -Be $second.UpdatedAt
        }
    }

    Context 'removal' {
        It 'removes a route but keeps its rules' {
            New-MuxlyRoute -Name doomed -Connector orders -Rule early | Out-Null
            Remove-MuxlyRoute -Name doomed -Force
            Get-MuxlyRoute | Should -BeNullOrEmpty
            Invoke-Sql -Database $Db -Sql 'SELECT count(*) FROM route_rules' -Scalar | Should -Be 0
            (Get-MuxlyRule).Name | Should -Be @('early', 'late')
        }

        It 'is removed with its connector' {
            New-MuxlyRoute -Name a -Connector orders | Out-Null
            New-MuxlyRoute -Name b -Connector invoices | Out-Null
            Remove-MuxlyConnector -Name orders -Force
            (Get-MuxlyRoute).Name | Should -Be 'b'
        }

        It 'asks for confirmation: a non-interactive session without -Force removes nothing' {
            New-MuxlyRoute -Name kept -Connector orders | Out-Null
            $result = Invoke-ChildPwsh -Script "Remove-MuxlyRoute -Database '$Db' -Name kept"
            $result.ExitCode | Should -Not -Be 0
            (Get-MuxlyRoute kept).Name | Should -Be 'kept'
        }
    }

    Context 'bad input changes nothing' {
        It 'refuses <Case> with <ErrorId>' -ForEach @(
            @{ Case = 'a connector that does not exist'; Arguments = @{ Connector = 'ghost' }; ErrorId = 'MuxlyConnectorNotFound'; Category = 'ObjectNotFound' }
            @{ Case = 'a rule that does not exist'; Arguments = @{ Connector = 'orders'; Rule = 'early', 'ghost' }; ErrorId = 'MuxlyRuleNotFound'; Category = 'ObjectNotFound' }
            @{ Case = 'a dead-letter destination that does not exist'; Arguments = @{ Connector = 'orders'; DeadLetterDestination = 'ghost' }; ErrorId = 'MuxlyDestinationNotFound'; Category = 'ObjectNotFound' }
            @{ Case = 'an unmatched destination that does not exist'; Arguments = @{ Connector = 'orders'; UnmatchedDestination = 'ghost' }; ErrorId = 'MuxlyDestinationNotFound'; Category = 'ObjectNotFound' }
            @{ Case = 'an invalid error mode'; Arguments = @{ Connector = 'orders'; ErrorMode = 'retry' }; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        ) {
            $failure = $null
            try { New-MuxlyRoute -Name bad @Arguments -ErrorAction Stop } catch { $failure = $_ }
            $failure.FullyQualifiedErrorId | Should -BeLike "$ErrorId*"
            $failure.CategoryInfo.Category | Should -Be $Category
            Get-MuxlyRoute | Should -BeNullOrEmpty
        }

        It 'leaves a route unchanged when Set names something missing' {
            New-MuxlyRoute -Name r -Connector orders -Rule early | Out-Null
            Set-MuxlyRoute -Name r -Rule ghost -ErrorVariable err1 -ErrorAction SilentlyContinue
            Set-MuxlyRoute -Name r -Connector ghost -ErrorVariable err2 -ErrorAction SilentlyContinue
            $err1[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyRuleNotFound*'
            $err2[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyConnectorNotFound*'
            $route = Get-MuxlyRoute r
            $route.Rules | Should -Be 'early'
            $route.Connector | Should -Be 'orders'
        }
    }

    Context 'completion' {
        It 'completes route, connector and rule names' {
            New-MuxlyRoute -Name orders-out -Connector orders | Out-Null
            $line = "Get-MuxlyRoute -Database '$Db' -Name ord"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'orders-out'
            $line = "New-MuxlyRoute -Database '$Db' -Name x -Connector inv"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'invoices'
            $line = "New-MuxlyRoute -Database '$Db' -Name x -Connector orders -Rule ea"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'early'
        }
    }
}

Describe 'A router setup script' {
    BeforeAll {
        $script:Folder = New-TestFolder
        $script:Db = "$Folder/router.db"
        $script:Setup = "$Folder/router.ps1"
        Set-Content $Setup @"
`$ErrorActionPreference = 'Stop'
Connect-MuxlyDatabase -Path '$Db'
New-MuxlyConnector -Name orders -ConnectorType api -ConnectionSettings @{ url = 'https://shop.example.test/api/orders' } -Force | Out-Null
New-MuxlyConnector -Name customers -ConnectorType file -ConnectionSettings @{ path = '/srv/customers.jsonl'; format = 'jsonl' } -Force | Out-Null
New-MuxlyDestination -Name archive -DestinationType file -Config @{ path = '/srv/archive/orders-`${DATE}.jsonl'; format = 'jsonl' } -Force | Out-Null
New-MuxlyDestination -Name alerts -DestinationType webhook -Config @{ url = 'https://hooks.example.test/in'; headers = @{ Authorization = '`${env:HOOK_TOKEN}' } } -Force | Out-Null
New-MuxlyDestination -Name failed -DestinationType file -Config @{ path = '/srv/failed.jsonl' } -Force | Out-Null
New-MuxlyRule -Name large -Condition "total >= 1000 AND NOT EXISTS test" -Priority 10 -Destination alerts, archive -StopAfterMatch -Force -Transformation @(
    @{ type = 'rename_field'; config = @{ from = 'amt'; to = 'amount' } }
    @{ type = 'join'; config = @{ connector = 'customers'; on = @{ customer_id = 'id' }; type = 'left' } }
    @{ type = 'set_field'; config = [ordered]@{ field = 'tier'; value = 'gold' } }
) | Out-Null
New-MuxlyRule -Name rest -Destination archive -Force -Transformation @() | Out-Null
New-MuxlyRoute -Name orders-out -Connector orders -Rule large, rest -ErrorMode continue -DeadLetterDestination failed -Force | Out-Null
"@
    }
    AfterAll { Remove-TestFolder $Folder }

    It 'runs twice with the same result and no error' {
        $snapshot = {
            foreach ($sql in 'SELECT id, name, destination_type, config, enabled, updated_at FROM destinations ORDER BY name',
                'SELECT id, name, priority, condition, enabled, updated_at FROM routing_rules ORDER BY name',
                'SELECT rule_id, destination_id FROM rule_destinations ORDER BY rule_id, destination_id',
                'SELECT id, rule_id, transformation_type, config, sequence_order, updated_at FROM rule_transformations ORDER BY rule_id, sequence_order',
                'SELECT id, name, connector_id, error_handling, enabled, updated_at FROM routes ORDER BY name',
                'SELECT route_id, rule_id FROM route_rules ORDER BY route_id, rule_id') {
                Invoke-Sql -Database $Db -Sql $sql | ConvertTo-Json -Compress
            }
        }
        $first = Invoke-ChildPwsh -Script ". '$Setup'"
        $first.ExitCode | Should -Be 0 -Because $first.Output
        $afterFirst = & $snapshot

        $second = Invoke-ChildPwsh -Script ". '$Setup'"
        $second.ExitCode | Should -Be 0 -Because $second.Output
        $second.Output | Should -BeNullOrEmpty
        & $snapshot | Should -Be $afterFirst

        (Get-MuxlyTransformation -Database $Db -Rule large).TransformationType | Should -Be @('rename_field', 'join', 'set_field')
        (Get-MuxlyRoute -Database $Db orders-out).Rules | Should -Be @('large', 'rest')
    }
}
