BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath
}

Describe 'Get-MuxlyScheduleOccurrence' {
    It 'lists occurrences in the zone, with its offset' {
        $next = Get-MuxlyScheduleOccurrence -Schedule '0 9 * * 1-5' -TimeZone 'America/New_York' -After ([DateTimeOffset]'2026-11-20T00:00:00Z') -Count 3
        $next | Should -HaveCount 3
        $next[0] | Should -BeOfType [DateTimeOffset]
        $next.UtcDateTime | Should -Be @([datetime]'2026-11-20T14:00:00', [datetime]'2026-11-23T14:00:00', [datetime]'2026-11-24T14:00:00')
        $next[0].Offset | Should -Be ([TimeSpan]::FromHours(-5))
    }

    It 'runs a daily 02:30 job once on the spring-forward day in Berlin, at the first valid instant' {
        $next = Get-MuxlyScheduleOccurrence '30 2 * * *' -TimeZone Europe/Berlin -After ([DateTimeOffset]'2026-03-28T12:00:00Z') -Count 2
        $next.UtcDateTime | Should -Be @([datetime]'2026-03-29T01:00:00', [datetime]'2026-03-30T00:30:00')
    }

    It 'refuses <Case> with <ErrorId>' -ForEach @(
        @{ Case = 'four fields'; Schedule = '* * * *'; Zone = $null; ErrorId = 'MuxlyCronInvalid' }
        @{ Case = 'eight fields'; Schedule = '* * * * * * * *'; Zone = $null; ErrorId = 'MuxlyCronInvalid' }
        @{ Case = 'minute 61'; Schedule = '61 * * * *'; Zone = $null; ErrorId = 'MuxlyCronInvalid' }
        @{ Case = 'an unknown macro'; Schedule = '@fortnightly'; Zone = $null; ErrorId = 'MuxlyCronInvalid' }
        @{ Case = 'an unknown time zone'; Schedule = '@daily'; Zone = 'Mars/Olympus_Mons'; ErrorId = 'MuxlyTimeZoneUnknown' }
    ) {
        $failure = $null
        try { Get-MuxlyScheduleOccurrence -Schedule $Schedule -TimeZone $Zone -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike "$ErrorId*"
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.Exception.Message | Should -Not -BeNullOrEmpty
    }
}
