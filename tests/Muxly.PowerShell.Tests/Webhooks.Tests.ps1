BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath

    function New-TestJob([string] $Name) {
        # This branch has no New-MuxlyJob cmdlet: jobs are made through the engine, as the cmdlet would.
        $store = [Muxly.Storage.MuxlyStore]::Open($Db)
        $store.Jobs.Create([Muxly.Storage.JobDefinition]::new($Name, 'hook', 'fetch'), $false).Item
    }

    function ConvertTo-TestSecureString([string] $Text) { ConvertTo-SecureString -String $Text -AsPlainText -Force }
}

Describe 'Webhook trigger cmdlets' {
    BeforeEach {
        $script:Folder = New-TestFolder
        $script:Db = Join-Path $Folder 'muxly.db'
        $PSDefaultParameterValues = @{ '*-Muxly*:Database' = $Db }
        New-MuxlyConnector -Name hook -ConnectorType webhook | Out-Null
        New-TestJob deploy | Out-Null
        New-TestJob nightly | Out-Null
    }
    AfterEach {
        $PSDefaultParameterValues = @{}
        Remove-TestFolder $Folder
    }

    Context 'registering and reading' {
        It 'registers a typed trigger whose generated secret is shown once, then masked' {
            $hook = Register-MuxlyWebhook -Job deploy -Path /hooks/deploy
            $hook.PSObject.TypeNames | Should -Contain 'Muxly.WebhookTrigger'
            $hook.PSObject.TypeNames[0] | Should -Be 'Muxly.WebhookTrigger#Secret'
            ($hook | Out-String -Width 80) | Should -Match ([regex]::Escape($hook.Secret))
            $hook.Path | Should -Be '/hooks/deploy'
            $hook.Job | Should -Be 'deploy'
            "$($hook.Scheme)" | Should -Be 'StandardWebhooks'
            $hook.Secret | Should -Match '^whsec_[A-Za-z0-9+/]{43}=$'
            $hook.HasSecret | Should -BeTrue

            $read = Get-MuxlyWebhook -Path /hooks/deploy
            $read.Id | Should -Be $hook.Id
            $read.Secret | Should -BeNullOrEmpty
            $read.HasSecret | Should -BeTrue
            $read.PSObject.TypeNames[0] | Should -Be 'Muxly.WebhookTrigger'
            ($read | Format-Table | Out-String) | Should -Match '\*{8}'
            ($read | Format-Table | Out-String) | Should -Not -Match 'whsec_'
            (Get-MuxlyWebhook | Format-List * | Out-String) | Should -Not -Match [regex]::Escape($hook.Secret.Substring(6))
            Invoke-Sql -Database $Db -Sql "SELECT secret_key FROM webhook_triggers" -Scalar | Should -Be $hook.Secret
        }

        It 'stores a given SecureString secret without echoing it, for either scheme' {
            $gh = Register-MuxlyWebhook -Job deploy -Path /github/push -Scheme GitHub -Secret (ConvertTo-TestSecureString "It's a Secret to Everybody")
            $gh.Secret | Should -BeNullOrEmpty
            $gh.HasSecret | Should -BeTrue
            "$($gh.Scheme)" | Should -Be 'GitHub'
            Invoke-Sql -Database $Db -Sql "SELECT scheme FROM webhook_trigger_options" -Scalar | Should -Be 'GitHub'
        }

        It 'normalises paths and finds triggers by path, wildcard, id and job' {
            Register-MuxlyWebhook -Job deploy -Path '//hooks//deploy/' | Out-Null
            $n = Register-MuxlyWebhook -Job nightly -Path /hooks/nightly
            Register-MuxlyWebhook -Job nightly -Path /other/nightly -AllowUnsigned | Out-Null
            (Get-MuxlyWebhook).Path | Should -Be @('/hooks/deploy', '/hooks/nightly', '/other/nightly')
            (Get-MuxlyWebhook -Path '/hooks/*').Path | Should -Be @('/hooks/deploy', '/hooks/nightly')
            (Get-MuxlyWebhook -Path /hooks/deploy/).Path | Should -Be '/hooks/deploy'
            (Get-MuxlyWebhook -Id $n.Id).Path | Should -Be '/hooks/nightly'
            (Get-MuxlyWebhook -Job 'night*').Path | Should -Be @('/hooks/nightly', '/other/nightly')
            (Get-MuxlyWebhook -Path '/other/*').AllowUnsigned | Should -BeTrue
            (Get-MuxlyWebhook -Path '/other/*').HasSecret | Should -BeFalse
        }

        It 'writes ObjectNotFound for a missing exact path but nothing for an unmatched wildcard' {
            Get-MuxlyWebhook -Path /missing -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyWebhookNotFound*'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            Get-MuxlyWebhook -Path '/missing/*' -ErrorVariable err2 | Should -BeNullOrEmpty
            $err2 | Should -BeNullOrEmpty
        }

        It 'registers nothing under -WhatIf' {
            Register-MuxlyWebhook -Job deploy -Path /hooks/deploy -WhatIf | Should -BeNullOrEmpty
            Get-MuxlyWebhook | Should -BeNullOrEmpty
        }
    }

    Context 'bad input changes nothing' {
        It 'refuses <Case> with <ErrorId>' -ForEach @(
            @{ Case = 'a missing job'; Arguments = @{ Job = 'nope'; Path = '/hooks/x' }; ErrorId = 'MuxlyJobNotFound'; Category = 'ObjectNotFound' }
            @{ Case = 'a path with ..'; Arguments = @{ Job = 'deploy'; Path = '/hooks/../admin' }; ErrorId = 'MuxlyWebhookPathInvalid'; Category = 'InvalidArgument' }
            @{ Case = 'a path with a query string'; Arguments = @{ Job = 'deploy'; Path = '/hooks/x?token=1' }; ErrorId = 'MuxlyWebhookPathInvalid'; Category = 'InvalidArgument' }
            @{ Case = 'a path with spaces'; Arguments = @{ Job = 'deploy'; Path = '/hooks/my hook' }; ErrorId = 'MuxlyWebhookPathInvalid'; Category = 'InvalidArgument' }
            @{ Case = 'a relative path'; Arguments = @{ Job = 'deploy'; Path = 'hooks/x' }; ErrorId = 'MuxlyWebhookPathInvalid'; Category = 'InvalidArgument' }
            @{ Case = 'a full URL'; Arguments = @{ Job = 'deploy'; Path = 'http://example.test/hooks' }; ErrorId = 'MuxlyWebhookPathInvalid'; Category = 'InvalidArgument' }
            @{ Case = 'a secret shorter than 16 bytes'; Arguments = @{ Job = 'deploy'; Path = '/hooks/x'; Scheme = 'GitHub'; Secret = 'short-secret' }; ErrorId = 'MuxlyWebhookSecretTooShort'; Category = 'InvalidArgument' }
            @{ Case = 'a Standard Webhooks secret that is not base64'; Arguments = @{ Job = 'deploy'; Path = '/hooks/x'; Secret = 'whsec_not base64!' }; ErrorId = 'MuxlyWebhookSecretInvalid'; Category = 'InvalidArgument' }
        ) {
            if ($Arguments.Secret) { $Arguments.Secret = ConvertTo-TestSecureString $Arguments.Secret }
            Register-MuxlyWebhook @Arguments -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId*"
            "$($err[0].CategoryInfo.Category)" | Should -Be $Category
            $err[0].Exception.Message | Should -Not -Match 'short-secret'
            Get-MuxlyWebhook | Should -BeNullOrEmpty
        }

        It 'refuses a duplicate path, also spelled differently' {
            Register-MuxlyWebhook -Job deploy -Path /hooks/deploy | Out-Null
            Register-MuxlyWebhook -Job nightly -Path '/hooks//deploy/' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyWebhookPathAlreadyExists*'
            $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
            (Get-MuxlyWebhook).Job | Should -Be 'deploy'
        }

        It 'refuses -Secret with -AllowUnsigned (parameter sets)' {
            { Register-MuxlyWebhook -Job deploy -Path /x -AllowUnsigned -Secret (ConvertTo-TestSecureString 'abcdefghijklmnopqrstuvwxyz') -ErrorAction Stop } |
                Should -Throw -ErrorId 'AmbiguousParameterSet*'
        }

        It 'refuses conflicting Set parameters before changing anything' {
            $hook = Register-MuxlyWebhook -Job deploy -Path /hooks/deploy
            Set-MuxlyWebhook -Path /hooks/deploy -RotateSecret -NewSecret (ConvertTo-TestSecureString 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyWebhookSecretConflict*'
            Set-MuxlyWebhook -Path /hooks/deploy -GracePeriod '01:00:00' -ErrorVariable err2 -ErrorAction SilentlyContinue
            $err2[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyWebhookGracePeriodInvalid*'
            Set-MuxlyWebhook -Path /hooks/deploy -NewSecret (ConvertTo-TestSecureString 'whsec_AAAA') -ErrorVariable err3 -ErrorAction SilentlyContinue
            $err3[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyWebhookSecretTooShort*'
            Invoke-Sql -Database $Db -Sql "SELECT secret_key FROM webhook_triggers" -Scalar | Should -Be $hook.Secret
        }
    }

    Context 'rotation, state and removal' {
        It 'rotates to a generated secret shown once, keeping the old one for the grace period' {
            $hook = Register-MuxlyWebhook -Job deploy -Path /hooks/deploy
            $rotated = Set-MuxlyWebhook -Path /hooks/deploy -RotateSecret -GracePeriod (New-TimeSpan -Hours 2)
            $rotated.Secret | Should -Match '^whsec_'
            $rotated.Secret | Should -Not -Be $hook.Secret
            $rotated.PreviousSecretAcceptedUntil | Should -BeGreaterThan ([DateTimeOffset]::Now.AddHours(1.9))
            (Get-MuxlyWebhook /hooks/deploy).Secret | Should -BeNullOrEmpty
            $row = Invoke-Sql -Database $Db -Sql "SELECT t.secret_key AS current_key, o.previous_secret_key AS previous_key FROM webhook_triggers t JOIN webhook_trigger_options o ON o.trigger_id = t.id"
            $row.current_key | Should -Be $rotated.Secret
            $row.previous_key | Should -Be $hook.Secret
        }

        It 'sets a given secret quietly, and with -GracePeriod 0 drops the old one' {
            Register-MuxlyWebhook -Job deploy -Path /hooks/deploy | Out-Null
            Set-MuxlyWebhook -Path /hooks/deploy -NewSecret (ConvertTo-TestSecureString 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') -GracePeriod 0 | Should -BeNullOrEmpty
            $after = Get-MuxlyWebhook /hooks/deploy
            $after.PreviousSecretAcceptedUntil | Should -BeNullOrEmpty
            Invoke-Sql -Database $Db -Sql "SELECT secret_key FROM webhook_triggers" -Scalar | Should -Be 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
        }

        It 'makes a trigger unsigned and signed again' {
            Register-MuxlyWebhook -Job deploy -Path /hooks/deploy | Out-Null
            $open = Set-MuxlyWebhook -Path /hooks/deploy -AllowUnsigned $true -PassThru
            $open.AllowUnsigned | Should -BeTrue
            $open.HasSecret | Should -BeFalse
            Set-MuxlyWebhook -Path /hooks/deploy -AllowUnsigned $false -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyWebhookSecretMissing*'
            $signed = Set-MuxlyWebhook -Path /hooks/deploy -AllowUnsigned $false -RotateSecret
            $signed.AllowUnsigned | Should -BeFalse
            $signed.Secret | Should -Match '^whsec_'
        }

        It 'disables and enables through the pipeline, by path and by -Enabled' {
            Register-MuxlyWebhook -Job deploy -Path /hooks/a | Out-Null
            Register-MuxlyWebhook -Job deploy -Path /hooks/b | Out-Null
            Get-MuxlyWebhook -Job deploy | Disable-MuxlyWebhook
            (Get-MuxlyWebhook | Where-Object Enabled) | Should -BeNullOrEmpty
            (Enable-MuxlyWebhook -Path /hooks/a -PassThru).Enabled | Should -BeTrue
            [pscustomobject]@{ Path = '/hooks/b' } | Enable-MuxlyWebhook
            (Get-MuxlyWebhook /hooks/b).Enabled | Should -BeTrue
            Set-MuxlyWebhook -Path /hooks/b -Enabled $false
            (Get-MuxlyWebhook /hooks/b).Enabled | Should -BeFalse
            Disable-MuxlyWebhook -Path /hooks/a -WhatIf
            (Get-MuxlyWebhook /hooks/a).Enabled | Should -BeTrue
        }

        It 'registers from piped objects by property name' {
            @(
                [pscustomobject]@{ Job = 'deploy'; Path = '/p/one' }
                [pscustomobject]@{ Job = 'nightly'; Path = '/p/two'; Scheme = 'GitHub' }
            ) | Register-MuxlyWebhook | Should -HaveCount 2
            (Get-MuxlyWebhook '/p/two').Scheme | Should -Be 'GitHub'
        }

        It 'unregister asks for confirmation: a non-interactive session without -Force removes nothing' {
            Register-MuxlyWebhook -Job deploy -Path /hooks/kept | Out-Null
            $result = Invoke-ChildPwsh -Script "Unregister-MuxlyWebhook -Database '$Db' -Path /hooks/kept"
            $result.ExitCode | Should -Not -Be 0
            (Get-MuxlyWebhook /hooks/kept).Path | Should -Be '/hooks/kept'
            Unregister-MuxlyWebhook -Path /hooks/kept -WhatIf -Force
            (Get-MuxlyWebhook /hooks/kept).Path | Should -Be '/hooks/kept'
            Get-MuxlyWebhook | Unregister-MuxlyWebhook -Force
            Get-MuxlyWebhook | Should -BeNullOrEmpty
            Invoke-Sql -Database $Db -Sql 'SELECT count(*) FROM webhook_trigger_options' -Scalar | Should -Be 0
            Invoke-Sql -Database $Db -Sql 'SELECT count(*) FROM scheduler_jobs' -Scalar | Should -Be 2
        }

        It 'unregister writes ObjectNotFound for a missing path' {
            Unregister-MuxlyWebhook -Path /nothing -Force -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyWebhookNotFound*'
        }
    }

    Context 'completion' {
        It 'completes registered paths and job names' {
            Register-MuxlyWebhook -Job deploy -Path /hooks/deploy | Out-Null
            $line = "Get-MuxlyWebhook -Database '$Db' -Path /ho"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be '/hooks/deploy'
            $line = "Register-MuxlyWebhook -Database '$Db' -Job nig"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'nightly'
        }
    }
}
