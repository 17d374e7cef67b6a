BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath
}

Describe 'Setting cmdlets' {
    BeforeEach {
        $script:Folder = New-TestFolder
        $script:Db = Join-Path $Folder 'muxly.db'
        $PSDefaultParameterValues = @{ '*-Muxly*:Database' = $Db }
    }
    AfterEach {
        $PSDefaultParameterValues = @{}
        Remove-TestFolder $Folder
    }

    It 'shows every known key with its documented default before anything is stored' {
        $settings = Get-MuxlySetting
        $settings.Count | Should -BeGreaterThan 5
        $settings | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'Muxly.Setting' }
        $retention = Get-MuxlySetting executions.retention_per_job
        $retention.Value | Should -Be 100
        $retention.Value | Should -BeOfType [int]
        $retention.IsDefault | Should -BeTrue
        $retention.Description | Should -Not -BeNullOrEmpty
        Get-MuxlySetting -Stored | Should -BeNullOrEmpty
    }

    It 'stores typed values for known keys and text for custom keys' {
        Set-MuxlySetting retry.base_delay_seconds '12'
        Set-MuxlySetting team.owner 'ops@example.test'
        (Get-MuxlySetting retry.base_delay_seconds).Value | Should -Be 12
        (Get-MuxlySetting retry.base_delay_seconds).Value | Should -BeOfType [int]
        (Get-MuxlySetting team.owner).Value | Should -Be 'ops@example.test'
        (Get-MuxlySetting -Stored).Key | Should -Be @('retry.base_delay_seconds', 'team.owner')
        (Get-MuxlySetting 'retry.*').Key | Should -Be @('retry.base_delay_seconds', 'retry.max_delay_seconds')
    }

    It 'creates with New and refuses an existing key unless -Force' {
        (New-MuxlySetting team.name 'blue').Value | Should -Be 'blue'
        New-MuxlySetting team.name 'red' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlySettingAlreadyExists*'
        (New-MuxlySetting team.name 'red' -Force).Value | Should -Be 'red'
    }

    It 'returns a known key to its default when removed' {
        Set-MuxlySetting webhook.max_body_bytes 2048
        (Get-MuxlySetting webhook.max_body_bytes).Value | Should -Be 2048
        Get-MuxlySetting webhook.max_body_bytes | Remove-MuxlySetting
        $setting = Get-MuxlySetting webhook.max_body_bytes
        $setting.Value | Should -Be 1048576
        $setting.IsDefault | Should -BeTrue
    }

    It 'masks secret-looking custom keys and accepts a SecureString' {
        Set-MuxlySetting smtp.password (ConvertTo-SecureString 'hunter2' -AsPlainText -Force)
        (Get-MuxlySetting smtp.password).Value | Should -Be '********'
        (Get-MuxlySetting | Out-String) | Should -Not -Match 'hunter2'
        Invoke-Sql -Database $Db -Sql "SELECT value FROM settings WHERE key = 'smtp.password'" -Scalar | Should -Be 'hunter2'
    }

    It 'does not change updated_at when the same value is set again' {
        Set-MuxlySetting retry.max_delay_seconds 60
        $first = (Get-MuxlySetting retry.max_delay_seconds).UpdatedAt
        Start-Sleep -Milliseconds 20
        Set-MuxlySetting retry.max_delay_seconds 60
        (Get-MuxlySetting retry.max_delay_seconds).UpdatedAt | Should -Be $first
    }

    It 'refuses <Case> and stores nothing' -ForEach @(
        @{ Case = 'a non-number for an Int32 key'; Key = 'retry.base_delay_seconds'; Value = 'soon'; ErrorId = 'MuxlySettingValueInvalid' }
        @{ Case = 'a number out of range'; Key = 'scheduler.heartbeat_seconds'; Value = 0; ErrorId = 'MuxlySettingValueInvalid' }
        @{ Case = 'a value outside the allowed list'; Key = 'router.default_error_mode'; Value = 'explode'; ErrorId = 'MuxlySettingValueInvalid' }
        @{ Case = 'an invalid key'; Key = 'bad key!'; Value = 1; ErrorId = 'MuxlySettingKeyInvalid' }
    ) {
        $failure = $null
        try { Set-MuxlySetting -Key $Key -Value $Value -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike "$ErrorId*"
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-MuxlySetting -Stored | Should -BeNullOrEmpty
    }

    It 'writes ObjectNotFound for removing a key that is not stored' {
        Remove-MuxlySetting nothing.here -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlySettingNotFound*'
    }
}
