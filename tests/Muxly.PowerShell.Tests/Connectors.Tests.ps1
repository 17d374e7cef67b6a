BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath
}

Describe 'Connector cmdlets' {
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
        It 'creates a typed connector and reads it back by name, wildcard and id' {
            $created = New-MuxlyConnector -Name 'orders-api' -ConnectorType api -ConnectionSettings @{ url = 'https://example.test/orders'; records_path = 'data' }
            $created.PSObject.TypeNames[0] | Should -Be 'Muxly.Connector'
            $created.ConnectorType | Should -Be 'api'
            $created.Enabled | Should -BeTrue
            $created.Id | Should -Match '^[0-9a-f-]{36}$'

            (Get-MuxlyConnector -Name 'ORDERS-API').Id | Should -Be $created.Id
            (Get-MuxlyConnector -Name 'orders*').Id | Should -Be $created.Id
            (Get-MuxlyConnector -Id $created.Id).Name | Should -Be 'orders-api'
            (Get-MuxlyConnector 'orders-api').ConnectionSettings | ConvertFrom-Json | ForEach-Object records_path | Should -Be 'data'
        }

        It 'accepts settings as a JSON string and an explicit id' {
            $c = New-MuxlyConnector -Name files -ConnectorType file -ConnectionSettings '{"path":"/data/*.jsonl","format":"jsonl"}' -Id 'files-1'
            $c.Id | Should -Be 'files-1'
            ($c.ConnectionSettings | ConvertFrom-Json).format | Should -Be 'jsonl'
        }

        It 'lists connectors sorted by name, filtered by type' {
            'b', 'a', 'c' | ForEach-Object { New-MuxlyConnector -Name $_ -ConnectorType $(if ($_ -eq 'c') { 'file' } else { 'api' }) -ConnectionSettings $(if ($_ -eq 'c') { @{ path = '/data/in.jsonl' } } else { @{ url = 'https://api.example.test' } }) } | Out-Null
            (Get-MuxlyConnector).Name | Should -Be @('a', 'b', 'c')
            (Get-MuxlyConnector -ConnectorType file).Name | Should -Be 'c'
        }

        It 'writes ObjectNotFound for a missing exact name but nothing for an unmatched wildcard' {
            $result = Get-MuxlyConnector -Name 'missing' -ErrorVariable err -ErrorAction SilentlyContinue
            $result | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyConnectorNotFound*'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            Get-MuxlyConnector -Name 'missing*' -ErrorVariable err2 | Should -BeNullOrEmpty
            $err2 | Should -BeNullOrEmpty
        }
    }

    Context 'secrets' {
        It 'masks secrets in auth and connection settings, and keeps ${env:NAME} references as written' {
            $c = New-MuxlyConnector -Name secure -ConnectorType api `
                -ConnectionSettings @{ url = 'https://x.test'; api_key = 'key-123' } `
                -AuthSettings @{ type = 'bearer'; token = (ConvertTo-SecureString 'tok-456' -AsPlainText -Force); refresh = '${env:REFRESH_TOKEN}' }
            $text = Get-MuxlyConnector secure | Format-List * | Out-String
            $text | Should -Not -Match 'key-123'
            $text | Should -Not -Match 'tok-456'
            $auth = $c.AuthSettings | ConvertFrom-Json
            $auth.token | Should -Be '********'
            $auth.type | Should -Be 'bearer'
            $auth.refresh | Should -Be '${env:REFRESH_TOKEN}'
            # The real value is stored for the engine's use.
            Invoke-Sql -Database $Db -Sql "SELECT auth_settings FROM connectors WHERE name = 'secure'" -Scalar | Should -Match 'tok-456'
        }

        It 'masks the same way when listing every connector, and shows settings without secrets as given' {
            New-MuxlyConnector -Name a-secure -ConnectorType api -ConnectionSettings @{ url = 'https://x.test'; headers = @{ 'X-Api-Key' = 'key-123' } } `
                -AuthSettings @{ type = 'bearer'; token = 'tok-456' } | Out-Null
            New-MuxlyConnector -Name b-plain -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl'; format = 'jsonl' } `
                -AuthSettings @{ type = 'basic'; username = 'svc' } | Out-Null
            $listed = Get-MuxlyConnector
            $listed.Name | Should -Be @('a-secure', 'b-plain')
            $text = $listed | Format-List * | Out-String
            $text | Should -Not -Match 'key-123'
            $text | Should -Not -Match 'tok-456'
            ($listed[0].ConnectionSettings | ConvertFrom-Json).headers.'X-Api-Key' | Should -Be '********'
            ($listed[0].AuthSettings | ConvertFrom-Json).token | Should -Be '********'
            ($listed[1].ConnectionSettings | ConvertFrom-Json).path | Should -Be '/data/in.jsonl'
            ($listed[1].AuthSettings | ConvertFrom-Json).username | Should -Be 'svc'
            foreach ($connector in $listed) {
                $single = Get-MuxlyConnector -Name $connector.Name
                foreach ($property in $single.PSObject.Properties.Name) {
                    $connector.$property | Should -Be $single.$property -Because $property
                }
            }
        }

        It 'stores -Credential as basic auth without showing the password' {
            $credential = [pscredential]::new('svc', (ConvertTo-SecureString 'p@ss' -AsPlainText -Force))
            $c = New-MuxlyConnector -Name basic -ConnectorType api -ConnectionSettings @{ url = 'https://api.example.test' } -Credential $credential -Verbose 4>&1 | Where-Object { $_ -is [Muxly.Connector] }
            $auth = $c.AuthSettings | ConvertFrom-Json
            $auth.type | Should -Be 'basic'
            $auth.username | Should -Be 'svc'
            $auth.password | Should -Be '********'
        }

        It 'keeps stored secrets when a masked object is piped back into Set' {
            New-MuxlyConnector -Name roundtrip -ConnectorType api -ConnectionSettings @{ url = 'https://api.example.test' } -AuthSettings @{ type = 'bearer'; token = 'tok-789' } | Out-Null
            $c = Get-MuxlyConnector roundtrip
            Set-MuxlyConnector -Name roundtrip -AuthSettings $c.AuthSettings -ConnectionSettings @{ url = 'https://new.test' }
            Invoke-Sql -Database $Db -Sql "SELECT auth_settings FROM connectors WHERE name = 'roundtrip'" -Scalar | Should -Match 'tok-789'
        }
    }

    Context 'pipelines' {
        It 'disables connectors piped from Get by wildcard and enables them by property name' {
            'api-1', 'api-2', 'file-1' | ForEach-Object { New-MuxlyConnector -Name $_ -ConnectorType api -ConnectionSettings @{ url = 'https://api.example.test' } } | Out-Null
            Get-MuxlyConnector api* | Disable-MuxlyConnector
            (Get-MuxlyConnector | Where-Object { -not $_.Enabled }).Name | Should -Be @('api-1', 'api-2')
            [pscustomobject]@{ Name = 'api-1' } | Enable-MuxlyConnector -PassThru | ForEach-Object Enabled | Should -BeTrue
            [pscustomobject]@{ Id = (Get-MuxlyConnector api-2).Id } | Enable-MuxlyConnector
            (Get-MuxlyConnector api-2).Enabled | Should -BeTrue
        }

        It 'changes and removes every connector piped from a listing of all, which is read as it goes' {
            foreach ($name in 'c', 'a', 'b') { New-MuxlyConnector -Name $name -ConnectorType webhook | Out-Null }
            (Get-MuxlyConnector | Select-Object -First 1).Name | Should -Be 'a'
            Get-MuxlyConnector | Disable-MuxlyConnector
            (Get-MuxlyConnector).Enabled | Should -Be @($false, $false, $false)
            Get-MuxlyConnector | Remove-MuxlyConnector -Force
            Get-MuxlyConnector | Should -BeNullOrEmpty
        }

        It 'gets connectors from names on the pipeline' {
            'x', 'y' | ForEach-Object { New-MuxlyConnector -Name $_ -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } } | Out-Null
            ('y', 'x' | Get-MuxlyConnector).Name | Should -Be @('y', 'x')
        }

        It 'emits nothing from Set, Enable and Disable unless -PassThru' {
            New-MuxlyConnector -Name quiet -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } | Out-Null
            Set-MuxlyConnector -Name quiet -ConnectionSettings @{ path = '/tmp/a.json' } | Should -BeNullOrEmpty
            Disable-MuxlyConnector -Name quiet | Should -BeNullOrEmpty
            (Set-MuxlyConnector -Name quiet -NewName loud -PassThru).Name | Should -Be 'loud'
        }
    }

    Context 'changes and -WhatIf' {
        It 'changes nothing under -WhatIf' {
            New-MuxlyConnector -Name w -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } -WhatIf | Should -BeNullOrEmpty
            Get-MuxlyConnector | Should -BeNullOrEmpty
            New-MuxlyConnector -Name w -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } | Out-Null
            Set-MuxlyConnector -Name w -NewName w2 -WhatIf
            Disable-MuxlyConnector -Name w -WhatIf
            Remove-MuxlyConnector -Name w -WhatIf
            $c = Get-MuxlyConnector w
            $c.Name | Should -Be 'w'
            $c.Enabled | Should -BeTrue
        }

        It 'refuses to rename onto an existing name' {
            'one', 'two' | ForEach-Object { New-MuxlyConnector -Name $_ -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } } | Out-Null
            Set-MuxlyConnector -Name one -NewName TWO -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyConnectorAlreadyExists*'
            (Get-MuxlyConnector).Name | Should -Be @('one', 'two')
        }
    }

    Context 're-runnable setup' {
        It 'fails with ResourceExists on a duplicate name, and updates in place with -Force' {
            $first = New-MuxlyConnector -Name dup -ConnectorType api -ConnectionSettings @{ url = 'https://a.test' }
            New-MuxlyConnector -Name dup -ConnectorType api -ConnectionSettings @{ url = 'https://api.example.test' } -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyConnectorAlreadyExists*'
            $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'

            $again = New-MuxlyConnector -Name dup -ConnectorType api -ConnectionSettings @{ url = 'https://b.test' } -Force
            $again.Id | Should -Be $first.Id
            ($again.ConnectionSettings | ConvertFrom-Json).url | Should -Be 'https://b.test'
            @(Get-MuxlyConnector).Count | Should -Be 1
        }
    }

    Context 'removal' {
        It 'removes a connector and, by cascade, its routes and jobs' {
            $c = New-MuxlyConnector -Name doomed -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' }
            Invoke-Sql -Database $Db -Sql "INSERT INTO routes (id, name, connector_id) VALUES ('r1', 'route', '$($c.Id)');
                INSERT INTO scheduler_jobs (id, name, job_type, connector_id, action_type, action_params) VALUES ('j1', 'job', 'manual', '$($c.Id)', 'fetch', '{}');" | Out-Null
            Remove-MuxlyConnector -Name doomed -Force
            Get-MuxlyConnector | Should -BeNullOrEmpty
            Invoke-Sql -Database $Db -Sql 'SELECT count(*) FROM routes' -Scalar | Should -Be 0
            Invoke-Sql -Database $Db -Sql 'SELECT count(*) FROM scheduler_jobs' -Scalar | Should -Be 0
        }

        It 'asks for confirmation: a non-interactive session without -Force removes nothing' {
            New-MuxlyConnector -Name kept -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } | Out-Null
            $result = Invoke-ChildPwsh -Script "Remove-MuxlyConnector -Database '$Db' -Name kept"
            $result.ExitCode | Should -Not -Be 0
            (Get-MuxlyConnector kept).Name | Should -Be 'kept'
            Remove-MuxlyConnector -Name kept -Confirm:$false
            Get-MuxlyConnector | Should -BeNullOrEmpty
        }
    }

    Context 'bad input changes nothing' {
        It 'refuses <Case> with <ErrorId>' -ForEach @(
            @{ Case = 'an unknown connector type'; Arguments = @{ Name = 'x'; ConnectorType = 'ftp' }; ErrorId = 'MuxlyConnectorTypeUnknown' }
            @{ Case = 'invalid JSON settings'; Arguments = @{ Name = 'x'; ConnectorType = 'api'; ConnectionSettings = '{"url":' }; ErrorId = 'MuxlyConnectionSettingsInvalid' }
            @{ Case = 'non-object JSON settings'; Arguments = @{ Name = 'x'; ConnectorType = 'api'; ConnectionSettings = '[1,2]' }; ErrorId = 'MuxlyConnectionSettingsInvalid' }
            @{ Case = 'non-object JSON auth'; Arguments = @{ Name = 'x'; ConnectorType = 'api'; AuthSettings = '"token"' }; ErrorId = 'MuxlyAuthSettingsInvalid' }
            @{ Case = 'an empty name'; Arguments = @{ Name = ''; ConnectorType = 'api' }; ErrorId = 'ParameterArgumentValidationError|MuxlyConnectorNameInvalid' }
            @{ Case = 'a whitespace name'; Arguments = @{ Name = '   '; ConnectorType = 'api' }; ErrorId = 'MuxlyConnectorNameInvalid' }
            @{ Case = 'a wildcard in the name'; Arguments = @{ Name = 'a*'; ConnectorType = 'api' }; ErrorId = 'MuxlyConnectorNameInvalid' }
            @{ Case = 'a bad id'; Arguments = @{ Name = 'x'; ConnectorType = 'api'; Id = 'has space' }; ErrorId = 'MuxlyConnectorIdInvalid' }
        ) {
            New-MuxlyConnector -Name keep -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } | Out-Null
            $failure = $null
            try { New-MuxlyConnector @Arguments -ErrorAction Stop } catch { $failure = $_ }
            $failure | Should -Not -BeNullOrEmpty
            $failure.FullyQualifiedErrorId | Should -Match $ErrorId
            $failure.Exception.Message | Should -Not -BeNullOrEmpty
            (Get-MuxlyConnector).Name | Should -Be 'keep'
        }
    }

    Context 'completion' {
        It 'completes connector names from the database' {
            'alpha', 'alps', 'beta' | ForEach-Object { New-MuxlyConnector -Name $_ -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } } | Out-Null
            $line = "Get-MuxlyConnector -Database '$Db' -Name al"
            $completions = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            $completions.CompletionMatches.CompletionText | Should -Be @('alpha', 'alps')
        }

        It 'completes connector types' {
            $line = 'New-MuxlyConnector -Name x -ConnectorType po'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'powershell'
        }
    }
}
