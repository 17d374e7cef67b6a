BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath

    function Get-ErrorFrom([scriptblock] $Command) {
        $ErrorActionPreference = 'Stop'
        try { & $Command | Out-Null } catch { return $_ }
        $null
    }

    # A local port that accepts connections and never answers: an api connector reading from it blocks until cancelled.
    $script:SilentServer = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $SilentServer.Start()
    $script:SilentUrl = "http://127.0.0.1:$($SilentServer.LocalEndpoint.Port)/records"

    function New-JobFixture {
        # A folder with a database, retries that do not wait, and connectors for every case.
        $script:Folder = New-TestFolder
        $script:Db = Join-Path $Folder 'muxly.db'
        $global:PSDefaultParameterValues = @{ '*-Muxly*:Database' = $Db; 'Remove-Muxly*:Force' = $true }
        Set-MuxlySetting -Key retry.base_delay_seconds -Value 0 | Out-Null
        Set-Content "$Folder/orders.jsonl" '{"id":1,"amount":1500}', '{"id":2,"amount":20}'
        New-MuxlyConnector -Name orders -ConnectorType file -ConnectionSettings @{ path = "$Folder/orders.jsonl"; format = 'jsonl' } | Out-Null
        New-MuxlyConnector -Name other -ConnectorType file -ConnectionSettings @{ path = "$Folder/orders.jsonl"; format = 'jsonl' } | Out-Null
        # A webhook connector run without a payload fails every time: a job that always fails.
        New-MuxlyConnector -Name hook -ConnectorType webhook | Out-Null
        New-MuxlyConnector -Name silent -ConnectorType api -ConnectionSettings @{ url = $SilentUrl; timeout_seconds = 120; max_retries = 0 } | Out-Null
        New-MuxlyDestination -Name big -DestinationType file -Config @{ path = "$Folder/out/big.jsonl"; format = 'jsonl'; mode = 'replace' } | Out-Null
        New-MuxlyRule -Name big-orders -Condition 'amount > 1000' -Destination big | Out-Null
        New-MuxlyRoute -Name orders-route -Connector orders -Rule big-orders | Out-Null
        New-MuxlyRoute -Name other-route -Connector other -Rule big-orders | Out-Null
    }
}

AfterAll {
    $SilentServer.Stop()
    $global:PSDefaultParameterValues = @{}
}

Describe 'New-, Get-, Set-, Remove-, Enable- and Disable-MuxlyJob' {
    BeforeEach { New-JobFixture }
    AfterEach { $global:PSDefaultParameterValues = @{}; Remove-TestFolder $Folder }

    It 'creates a cron route job with its settings, and shows when it runs next' {
        $job = New-MuxlyJob -Name nightly-orders -Connector orders -Route orders-route -Schedule '30 2 * * *' -TimeZone Europe/Berlin `
            -MaxRetries 5 -BackoffStrategy linear -TimeoutSeconds 600 -OverlapPolicy allow -MissedRunPolicy catch-up -CatchUpLimit 3
        $job.PSObject.TypeNames[0] | Should -Be 'Muxly.Job'
        $job.JobType | Should -Be 'cron'
        $job.Action | Should -Be 'route'
        $job.Target | Should -Be 'orders-route'
        ($job.ActionParameters | ConvertFrom-Json).route | Should -Be 'orders-route'
        $job.TimeZone | Should -Be 'Europe/Berlin'
        $job.MaxRetries, $job.BackoffStrategy, $job.TimeoutSeconds | Should -Be @(5, 'linear', 600)
        $job.OverlapPolicy, $job.MissedRunPolicy, $job.CatchUpLimit | Should -Be @('allow', 'catch-up', 3)
        $job.NextRunAt | Should -BeOfType [DateTimeOffset]
        $job.NextRunAt | Should -Be (Get-MuxlyScheduleOccurrence -Job nightly-orders -Count 1)
        $job.NextRunAt | Should -Be (Get-MuxlyScheduleOccurrence -Schedule '30 2 * * *' -TimeZone Europe/Berlin -Count 1)
        $job.LastStatus | Should -BeNullOrEmpty
    }

    It 'infers the action: export from -Destination, fetch from nothing; manual without a schedule' {
        (New-MuxlyJob -Name exporter -Connector orders -Destination big).Action | Should -Be 'export'
        $fetch = New-MuxlyJob -Name fetcher -Connector orders
        $fetch.Action, $fetch.JobType | Should -Be @('fetch', 'manual')
        $fetch.NextRunAt | Should -BeNullOrEmpty
        (New-MuxlyJob -Name by-json -Connector orders -ActionParameters '{"route":"orders-route"}').Action | Should -Be 'route'
    }

    It 'lists jobs as they are now, however often the same configuration was listed before' {
        New-MuxlyJob -Name nightly-a -Connector orders -Schedule '@daily' | Out-Null
        New-MuxlyJob -Name hand-run -Connector orders | Out-Null
        # From the third listing of one configuration on, only the scheduling state is read again.
        1..3 | ForEach-Object { Get-MuxlyJob | Out-Null }
        $listed = @(Get-MuxlyJob)
        $listed[0] | Add-Member -NotePropertyName Scratch -NotePropertyValue 1

        Start-MuxlyJob -Name hand-run | Out-Null
        $afterRun = Get-MuxlyJob -Name hand-run
        (Get-MuxlyJob | Where-Object Name -eq hand-run).LastStatus | Should -Be $afterRun.LastStatus
        (Get-MuxlyJob | Where-Object Name -eq hand-run).LastRunAt | Should -Be $afterRun.LastRunAt
        (Get-MuxlyJob)[0].PSObject.Properties['Scratch'] | Should -BeNullOrEmpty

        Set-MuxlyJob -Name nightly-a -MaxRetries 7 -Schedule '0 6 * * *' | Out-Null
        $now = Get-MuxlyJob | Where-Object Name -eq nightly-a
        $now.MaxRetries, $now.Schedule | Should -Be @(7, '0 6 * * *')
        $now.NextRunAt | Should -Be (Get-MuxlyScheduleOccurrence -Job nightly-a -Count 1)
    }

    It 'gets jobs by wildcard, id, connector and type' {
        New-MuxlyJob -Name nightly-a -Connector orders -Schedule '@daily' | Out-Null
        New-MuxlyJob -Name nightly-b -Connector other -Schedule '@daily' | Out-Null
        $hook = New-MuxlyJob -Name hooked -Connector hook -JobType webhook
        (Get-MuxlyJob -Name nightly*).Name | Should -Be @('nightly-a', 'nightly-b')
        (Get-MuxlyJob -Id $hook.Id).Name | Should -Be 'hooked'
        (Get-MuxlyJob -Connector oth*).Name | Should -Be 'nightly-b'
        (Get-MuxlyJob -JobType webhook).Name | Should -Be 'hooked'
        (Get-MuxlyConnector orders | Get-MuxlyJob).Name | Should -Be 'nightly-a'
        $missing = Get-ErrorFrom { Get-MuxlyJob -Name nope }
        $missing.FullyQualifiedErrorId | Should -BeLike 'MuxlyJobNotFound*'
    }

    It 'lists every job with the properties Get-MuxlyJob -Name gives each' {
        Set-MuxlySetting -Key scheduler.time_zone -Value Asia/Tokyo | Out-Null
        New-MuxlyJob -Name a-route -Connector orders -Route orders-route -Schedule '30 2 * * *' -TimeZone Europe/Berlin -MaxRetries 0 | Out-Null
        New-MuxlyJob -Name b-export -Connector orders -Destination big -Schedule '0 9 * * 1-5' -OverlapPolicy allow | Out-Null
        New-MuxlyJob -Name c-hook -Connector hook -JobType webhook -MaxRetries 0 | Out-Null
        Start-MuxlyJob -Name a-route | Out-Null
        $listed = Get-MuxlyJob
        $listed.Name | Should -Be @('a-route', 'b-export', 'c-hook')
        $listed.EffectiveTimeZone | Should -Be @('Europe/Berlin', 'Asia/Tokyo', 'Asia/Tokyo')
        $listed[0].LastStatus | Should -Be 'succeeded'
        $listed[1].Target | Should -Be 'big'
        foreach ($job in $listed) {
            $single = Get-MuxlyJob -Name $job.Name
            foreach ($property in $single.PSObject.Properties.Name) {
                $job.$property | Should -Be $single.$property -Because $property
            }
        }
    }

    It 'changes only what Set-MuxlyJob is given, and renames' {
        New-MuxlyJob -Name sync -Connector orders -Route orders-route -Schedule '@hourly' -MaxRetries 2 | Out-Null
        $changed = Set-MuxlyJob -Name sync -Schedule '*/10 * * * *' -TimeZone America/New_York -NewName sync2 -PassThru
        $changed.Name, $changed.Schedule, $changed.TimeZone, $changed.MaxRetries, $changed.Target | Should -Be @('sync2', '*/10 * * * *', 'America/New_York', 2, 'orders-route')
        (Set-MuxlyJob -Name sync2 -Action export -Destination big -PassThru).Target | Should -Be 'big'
        (Set-MuxlyJob -Name sync2 -Route orders-route -PassThru).Action | Should -Be 'route'
        (Set-MuxlyJob -Name sync2 -JobType manual -PassThru).Schedule | Should -BeNullOrEmpty
        Set-MuxlyJob -Name sync2 -Enabled $false
        (Get-MuxlyJob sync2).Enabled | Should -BeFalse
    }

    It 'disables and enables jobs from the pipeline' {
        New-MuxlyJob -Name nightly-a -Connector orders -Schedule '@daily' | Out-Null
        New-MuxlyJob -Name nightly-b -Connector orders -Schedule '@daily' | Out-Null
        New-MuxlyJob -Name hourly -Connector orders -Schedule '@hourly' | Out-Null
        Get-MuxlyJob -Name nightly* | Disable-MuxlyJob
        (Get-MuxlyJob | Where-Object { -not $_.Enabled }).Name | Should -Be @('nightly-a', 'nightly-b')
        (Get-MuxlyJob nightly-a).NextRunAt | Should -BeNullOrEmpty
        (Get-MuxlyJob -Name nightly* | Enable-MuxlyJob -PassThru).Enabled | Should -Be @($true, $true)
    }

    It 'changes nothing under -WhatIf' {
        New-MuxlyJob -Name ghost -Connector orders -WhatIf
        Get-MuxlyJob | Should -BeNullOrEmpty
        New-MuxlyJob -Name real -Connector orders -Schedule '@daily' | Out-Null
        Set-MuxlyJob -Name real -Schedule '@hourly' -WhatIf
        Disable-MuxlyJob -Name real -WhatIf
        Remove-MuxlyJob -Name real -WhatIf
        $job = Get-MuxlyJob real
        $job.Schedule, $job.Enabled | Should -Be @('@daily', $true)
    }

    It 'asks before removing (ConfirmImpact High) and removes the executions and webhook triggers with the job' {
        (Get-Command Remove-MuxlyJob).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
        $job = New-MuxlyJob -Name once -Connector orders
        Start-MuxlyJob once | Out-Null
        Invoke-Sql -Database $Db -Sql "INSERT INTO webhook_triggers (id, job_id, endpoint_path) VALUES ('t1', '$($job.Id)', '/hooks/once')"
        Remove-MuxlyJob -Name once
        Invoke-Sql -Database $Db -Scalar -Sql 'SELECT count(*) FROM job_executions' | Should -Be 0
        Invoke-Sql -Database $Db -Scalar -Sql 'SELECT count(*) FROM webhook_triggers' | Should -Be 0
    }

    It 'is removed with its connector' {
        New-MuxlyJob -Name nightly -Connector other -Route other-route -Schedule '@daily' | Out-Null
        New-MuxlyJob -Name stays -Connector orders | Out-Null
        Remove-MuxlyConnector -Name other
        (Get-MuxlyJob).Name | Should -Be 'stays'
    }

    It 'runs a setup script twice without failing or changing anything' {
        $setup = {
            New-MuxlyJob -Name nightly-orders -Connector orders -Route orders-route -Schedule '30 2 * * *' -TimeZone Europe/Berlin -MaxRetries 5 -Force
            New-MuxlyJob -Name export-big -Connector orders -Destination big -Schedule '@hourly' -BackoffStrategy fixed -TimeoutSeconds 60 -Force
            New-MuxlyJob -Name refresh -Connector orders -Action fetch -ActionParameters @{} -Force
        }
        $first = & $setup
        Start-Sleep -Milliseconds 20
        $second = & { $VerbosePreference = 'Continue'; & $setup } 4>&1
        $messages = @($second | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Where-Object Message -Match 'already as requested')
        $jobs = $second | Where-Object { $_ -is [Muxly.Job] }
        (Get-MuxlyJob).Count | Should -Be 3
        $jobs.Id | Should -Be $first.Id
        $jobs.UpdatedAt | Should -Be $first.UpdatedAt
        $messages | Should -HaveCount 3
    }

    It 'refuses a job of an existing name without -Force' {
        New-MuxlyJob -Name dup -Connector orders | Out-Null
        (Get-ErrorFrom { New-MuxlyJob -Name dup -Connector orders }).FullyQualifiedErrorId | Should -BeLike 'MuxlyJobAlreadyExists*'
    }

    It 'refuses <Case> with <ErrorId> and stores nothing' -ForEach @(
        @{ Case = 'a cron with 4 fields'; Arguments = @{ Schedule = '* * * *' }; ErrorId = 'MuxlyCronInvalid' }
        @{ Case = 'a cron with 8 fields'; Arguments = @{ Schedule = '* * * * * * * *' }; ErrorId = 'MuxlyCronInvalid' }
        @{ Case = 'minute 61'; Arguments = @{ Schedule = '61 * * * *' }; ErrorId = 'MuxlyCronInvalid' }
        @{ Case = 'an unknown macro'; Arguments = @{ Schedule = '@fortnightly' }; ErrorId = 'MuxlyCronInvalid' }
        @{ Case = 'an unknown time zone'; Arguments = @{ Schedule = '@daily'; TimeZone = 'Mars/Olympus_Mons' }; ErrorId = 'MuxlyTimeZoneUnknown' }
        @{ Case = 'negative retries'; Arguments = @{ MaxRetries = -1 }; ErrorId = 'MuxlyJobMaxRetriesInvalid' }
        @{ Case = 'a negative timeout'; Arguments = @{ TimeoutSeconds = -5 }; ErrorId = 'MuxlyJobTimeoutInvalid' }
        @{ Case = 'an unknown backoff strategy'; Arguments = @{ BackoffStrategy = 'random' }; ErrorId = 'MuxlyJobBackoffStrategyInvalid' }
        @{ Case = 'an unknown job type'; Arguments = @{ JobType = 'hourly' }; ErrorId = 'MuxlyJobTypeInvalid' }
        @{ Case = 'an unknown action'; Arguments = @{ Action = 'copy' }; ErrorId = 'MuxlyJobActionInvalid' }
        @{ Case = 'a missing connector'; Arguments = @{ Connector = 'nowhere' }; ErrorId = 'MuxlyConnectorNotFound' }
        @{ Case = 'a route that does not exist'; Arguments = @{ Route = 'no-such-route' }; ErrorId = 'MuxlyRouteNotFound' }
        @{ Case = 'a route of another connector'; Arguments = @{ Route = 'other-route' }; ErrorId = 'MuxlyJobRouteConnectorMismatch' }
        @{ Case = 'a destination that does not exist'; Arguments = @{ Destination = 'no-such-destination' }; ErrorId = 'MuxlyDestinationNotFound' }
    ) {
        $parameters = @{ Name = 'bad'; Connector = 'orders' }
        foreach ($key in $Arguments.Keys) { $parameters[$key] = $Arguments[$key] }
        $failure = Get-ErrorFrom { New-MuxlyJob @parameters }
        $failure.FullyQualifiedErrorId | Should -BeLike "$ErrorId*"
        $failure.Exception.Message | Should -Not -BeNullOrEmpty
        Get-MuxlyJob | Should -BeNullOrEmpty
    }

    It 'refuses a job on a disabled connector' {
        Disable-MuxlyConnector -Name other
        (Get-ErrorFrom { New-MuxlyJob -Name bad -Connector other }).FullyQualifiedErrorId | Should -BeLike 'MuxlyJobConnectorDisabled*'
    }

    It 'refuses the same bad input on Set-MuxlyJob and leaves the job as it was' {
        New-MuxlyJob -Name keep -Connector orders -Schedule '@daily' | Out-Null
        (Get-ErrorFrom { Set-MuxlyJob -Name keep -Schedule '61 * * * *' }).FullyQualifiedErrorId | Should -BeLike 'MuxlyCronInvalid*'
        (Get-ErrorFrom { Set-MuxlyJob -Name keep -MaxRetries -3 }).FullyQualifiedErrorId | Should -BeLike 'MuxlyJobMaxRetriesInvalid*'
        (Get-MuxlyJob keep).Schedule | Should -Be '@daily'
    }
}

Describe 'Start-MuxlyJob and the executions it records' {
    BeforeEach { New-JobFixture }
    AfterEach { $global:PSDefaultParameterValues = @{}; Remove-TestFolder $Folder }

    It 'runs a route job, which writes its destination file, and Get-MuxlyJob shows the last status' {
        New-MuxlyJob -Name orders-job -Connector orders -Route orders-route -Schedule '@daily' | Out-Null
        $execution = Start-MuxlyJob orders-job
        $execution.PSObject.TypeNames[0] | Should -Be 'Muxly.JobExecution'
        $execution.Status, $execution.Attempt, $execution.TriggeredBy | Should -Be @('succeeded', 1, 'manual')
        (Get-Content "$Folder/out/big.jsonl" | ConvertFrom-Json).id | Should -Be 1
        $job = Get-MuxlyJob orders-job
        $job.LastStatus | Should -Be 'succeeded'
        $job.LastRunAt | Should -Be $execution.StartTime
        $job.NextRunAt | Should -Not -BeNullOrEmpty
    }

    It 'retries a failing job: 4 executions, attempts 1-4, manual then retry, a warning per retried attempt and one MuxlyJobFailed error' {
        New-MuxlyJob -Name failing -Connector hook -MaxRetries 3 -BackoffStrategy exponential | Out-Null
        $execution = Start-MuxlyJob failing -ErrorVariable failures -ErrorAction SilentlyContinue -WarningVariable warnings -WarningAction SilentlyContinue
        $execution.Status, $execution.Attempt | Should -Be @('failed', 4)
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyJobFailed*'
        $failures[0].Exception.Message | Should -Match "'failing'.*failed.*4 attempt"
        $warnings | Should -HaveCount 3
        $warnings[0] | Should -Match "attempt 1 of 4: failed: .*Waiting .* before attempt 2"
        $rows = Get-MuxlyJobExecution -Job failing | Sort-Object Attempt
        $rows.Attempt | Should -Be @(1, 2, 3, 4)
        $rows.TriggeredBy | Should -Be @('manual', 'retry', 'retry', 'retry')
        $rows.Status | Should -Be @('failed', 'failed', 'failed', 'failed')
        (Get-MuxlyJob failing).LastStatus | Should -Be 'failed'
    }

    It 'ends a job longer than its timeout timed_out' {
        New-MuxlyJob -Name slow -Connector silent -Action fetch -TimeoutSeconds 1 -MaxRetries 0 | Out-Null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $execution = Start-MuxlyJob slow -ErrorVariable failures -ErrorAction SilentlyContinue
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
        $execution.Status | Should -Be 'timed_out'
        $execution.Error | Should -Match 'timeout of 1 s'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyJobFailed*'
        $failures[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
    }

    It 'refuses a disabled job unless -Force' {
        New-MuxlyJob -Name off -Connector orders -Disabled | Out-Null
        (Get-ErrorFrom { Start-MuxlyJob off }).FullyQualifiedErrorId | Should -BeLike 'MuxlyJobDisabled*'
        Get-MuxlyJobExecution -Job off | Should -BeNullOrEmpty
        (Start-MuxlyJob off -Force).Status | Should -Be 'succeeded'
    }

    It 'runs with a payload, given as JSON text or an object' {
        New-MuxlyJob -Name hooked -Connector hook -JobType webhook -Destination big | Out-Null
        (Start-MuxlyJob hooked -Payload '{"id":7}').Status | Should -Be 'succeeded'
        (Get-Content "$Folder/out/big.jsonl" | ConvertFrom-Json).id | Should -Be 7
        (Start-MuxlyJob hooked -Payload @{ id = 8 }).Status | Should -Be 'succeeded'
        (Get-ErrorFrom { Start-MuxlyJob hooked -Payload 'not json' }).FullyQualifiedErrorId | Should -BeLike 'MuxlyPayloadInvalid*'
    }

    It 'exits non-zero in a non-interactive pwsh when the job fails, and 0 when it succeeds' {
        New-MuxlyJob -Name failing -Connector hook -MaxRetries 1 -BackoffStrategy none | Out-Null
        New-MuxlyJob -Name working -Connector orders | Out-Null
        $failed = Invoke-ChildPwsh -Script "Start-MuxlyJob failing -Database '$Db'"
        $failed.ExitCode | Should -Not -Be 0
        $failed.Output | Should -Match "WARNING: Job 'failing' attempt 1 of 2: failed"
        $failed.Output | Should -Match "The job 'failing' failed \(failed\) after 2 attempt"
        $worked = Invoke-ChildPwsh -Script "Start-MuxlyJob working -Database '$Db'"
        $worked.ExitCode | Should -Be 0
        $worked.Output | Should -Match 'succeeded'
    }

    It 'runs as a PowerShell job with -AsJob: Get-Job sees it, Receive-Job returns the execution and the error' {
        New-MuxlyJob -Name working -Connector orders | Out-Null
        New-MuxlyJob -Name failing -Connector hook -MaxRetries 0 | Out-Null
        $run = Start-MuxlyJob working -AsJob
        $run.PSJobTypeName | Should -Be 'MuxlyJobRun'
        (Get-Job -Id $run.Id).InstanceId | Should -Be $run.InstanceId
        $run | Wait-Job -Timeout 30 | Out-Null
        $run.State | Should -Be 'Completed'
        ($run | Receive-Job).Status | Should -Be 'succeeded'
        $bad = Start-MuxlyJob failing -AsJob
        $bad | Wait-Job -Timeout 30 | Out-Null
        $bad.State | Should -Be 'Failed'
        $output = $bad | Receive-Job -ErrorVariable jobErrors -ErrorAction SilentlyContinue
        $output.Status | Should -Be 'failed'
        $jobErrors[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyJobFailed*'
        Get-Job | Remove-Job
        Get-Job | Should -BeNullOrEmpty
    }

    It 'stops an -AsJob run with Stop-Job, which returns and records the run cancelled' {
        New-MuxlyJob -Name slow -Connector silent -Action fetch -TimeoutSeconds 0 -MaxRetries 2 | Out-Null
        $run = Start-MuxlyJob slow -AsJob
        $deadline = (Get-Date).AddSeconds(10)
        while (-not (Get-MuxlyJobExecution -Job slow -Status running) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $run | Stop-Job
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 15
        $run.State | Should -Be 'Stopped'
        $rows = Get-MuxlyJobExecution -Job slow
        $rows | Should -HaveCount 1
        $rows[0].Status | Should -Be 'cancelled'
        $run | Remove-Job
    }
}

Describe 'Get-MuxlyJobExecution and Stop-MuxlyJobExecution' {
    BeforeEach { New-JobFixture }
    AfterEach { $global:PSDefaultParameterValues = @{}; Remove-TestFolder $Folder }

    It 'binds a piped job to -Job by its name, never its Id to the execution -Id: Get-MuxlyJob sync | Get-MuxlyJobExecution -Last 5' {
        New-MuxlyJob -Name sync -Connector orders | Out-Null
        New-MuxlyJob -Name other-job -Connector orders | Out-Null
        1..7 | ForEach-Object { Start-MuxlyJob sync | Out-Null }
        Start-MuxlyJob other-job | Out-Null
        $last = Get-MuxlyJob sync | Get-MuxlyJobExecution -Last 5 -ErrorVariable bindingErrors
        $bindingErrors | Should -BeNullOrEmpty
        $last | Should -HaveCount 5
        $last.JobName | Sort-Object -Unique | Should -Be 'sync'
        $sorted = $last.StartTime | Sort-Object -Descending
        $last.StartTime | Should -Be $sorted
        (Get-MuxlyJob | Get-MuxlyJobExecution -Last 1).JobName | Should -Be @('other-job', 'sync')
        (Get-Command Get-MuxlyJobExecution).Parameters.Id.Attributes.Where({ $_ -is [Parameter] }).ValueFromPipelineByPropertyName | Should -Not -Contain $true
    }

    It 'filters by status, time and trigger, and gets by id' {
        New-MuxlyJob -Name failing -Connector hook -MaxRetries 1 -BackoffStrategy none | Out-Null
        New-MuxlyJob -Name working -Connector orders | Out-Null
        $before = Get-Date
        Start-MuxlyJob failing -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
        $ok = Start-MuxlyJob working
        (Get-MuxlyJobExecution -Status failed).JobName | Sort-Object -Unique | Should -Be 'failing'
        (Get-MuxlyJobExecution -Status succeeded, failed) | Should -HaveCount 3
        (Get-MuxlyJobExecution -TriggeredBy retry).Attempt | Should -Be 2
        (Get-MuxlyJobExecution -Since (Get-Date).AddMinutes(5)) | Should -BeNullOrEmpty
        (Get-MuxlyJobExecution -Since $before) | Should -HaveCount 3
        (Get-MuxlyJobExecution -Job fail*) | Should -HaveCount 2
        (Get-MuxlyJobExecution -Id $ok.Id).Status | Should -Be 'succeeded'
        (Get-ErrorFrom { Get-MuxlyJobExecution -Status exploded }).FullyQualifiedErrorId | Should -BeLike 'MuxlyExecutionStatusInvalid*'
        (Get-ErrorFrom { Get-MuxlyJobExecution -Id nope }).FullyQualifiedErrorId | Should -BeLike 'MuxlyJobExecutionNotFound*'
        (Get-ErrorFrom { Get-MuxlyJobExecution -Job nope }).FullyQualifiedErrorId | Should -BeLike 'MuxlyJobNotFound*'
    }

    It 'stops an execution running in another process, which records it cancelled and exits non-zero' {
        New-MuxlyJob -Name slow -Connector silent -Action fetch -TimeoutSeconds 0 -MaxRetries 2 | Out-Null
        # Run as a script file, pwsh exits 0 after a non-terminating error: the script says how it went, as -Command would.
        $child = Start-ChildPwsh -Folder $Folder -Name runner -Script "Start-MuxlyJob slow -Database '$Db'; exit [int](-not `$?)"
        try {
            $running = $null
            $deadline = (Get-Date).AddSeconds(30)
            while (-not $running -and (Get-Date) -lt $deadline) {
                Start-Sleep -Milliseconds 200
                $running = Get-MuxlyJobExecution -Job slow -Status running
            }
            $running | Should -Not -BeNullOrEmpty

            Stop-MuxlyJobExecution -Id $running.Id -Reason 'Stopped by the test' -WhatIf
            (Get-MuxlyJobExecution -Id $running.Id).CancelRequested | Should -BeFalse
            $requested = $running | Stop-MuxlyJobExecution -Reason 'Stopped by the test' -PassThru
            $requested.CancelRequested | Should -BeTrue

            $child.WaitForExit(20000) | Should -BeTrue
            $child.ExitCode | Should -Not -Be 0
            $final = Get-MuxlyJobExecution -Id $running.Id
            $final.Status | Should -Be 'cancelled'
            $final.Error | Should -Be 'Stopped by the test'
            Get-MuxlyJobExecution -Job slow | Should -HaveCount 1 -Because 'a cancelled run is not retried'
        }
        finally {
            if (-not $child.HasExited) { $child.Kill() }
        }
    }

    It 'warns, and changes nothing, when the execution has already finished' {
        New-MuxlyJob -Name working -Connector orders | Out-Null
        $done = Start-MuxlyJob working
        $result = Stop-MuxlyJobExecution -Id $done.Id -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -HaveCount 1
        $result.Status | Should -Be 'succeeded'
        $result.CancelRequested | Should -BeFalse
    }
}
