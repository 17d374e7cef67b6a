BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath

    function New-TestCronJob {
        param([string] $Database, [string] $Name, [string] $Connector, [string] $Schedule, [int] $MaxRetries = 0, [string] $OverlapPolicy = 'forbid')
        New-MuxlyJob -Database $Database -Name $Name -Connector $Connector -Action fetch -Schedule $Schedule -TimeZone UTC `
            -MaxRetries $MaxRetries -BackoffStrategy none -OverlapPolicy $OverlapPolicy
    }

    function Get-TestExecution([string] $Database, [string] $Job) {
        Invoke-Sql -Database $Database -Sql @"
            SELECT e.id, e.status, e.attempt, e.triggered_by, d.scheduled_for FROM job_executions e
            JOIN job_execution_details d ON d.execution_id = e.id JOIN scheduler_jobs j ON j.id = e.job_id
            WHERE j.name = '$Job' ORDER BY d.scheduled_for, e.attempt
"@
    }

    function Wait-Until([scriptblock] $Condition, [double] $Seconds = 20) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        while (-not (& $Condition)) {
            if ($clock.Elapsed.TotalSeconds -gt $Seconds) { throw "Timed out after $Seconds s waiting for: $Condition" }
            Start-Sleep -Milliseconds 100
        }
    }

    $script:Folder = New-TestFolder
    '[{"n":1},{"n":2}]' | Set-Content (Join-Path $Folder 'in.json')
}

AfterAll { Remove-TestFolder $Folder }

Describe 'Start-MuxlyScheduler' {
    BeforeAll {
        $script:db = Join-Path $Folder 'background.db'
        New-MuxlyConnector -Database $db -Name src -ConnectorType file -ConnectionSettings @{ path = (Join-Path $Folder 'in.json') } | Out-Null
        New-TestCronJob -Database $db -Name tick -Connector src -Schedule '* * * * * *' -OverlapPolicy allow | Out-Null
        $script:job = Start-MuxlyScheduler -Database $db -Name sched -GracePeriod 5
        Start-Sleep -Seconds 4.5
    }

    It 'returns a job that Get-Job lists with its own type, running' {
        $job | Should -BeOfType Muxly.PowerShell.Commands.Scheduler.MuxlySchedulerJob
        $listed = Get-Job -Name sched
        $listed.Id | Should -Be $job.Id
        $listed.PSJobTypeName | Should -Be 'MuxlySchedulerJob'
        $listed.State | Should -Be 'Running'
    }

    It 'writes its log to the job output, with how late each occurrence started' {
        $log = Receive-Job $job -Keep
        ($log -join "`n") | Should -Match 'Scheduler sched started'
        ($log -match "Job 'tick': running the occurrence .* \(schedule\), \d+\.\d+ s late").Count | Should -BeGreaterOrEqual 3
    }

    It 'returns typed log records that can be filtered like any objects' {
        $records = Receive-Job $job -Keep
        $records[0] | Should -BeOfType Muxly.SchedulerLogRecord
        $succeeded = @($records | Where-Object { $_.Event -eq 'Succeeded' -and $_.Job -eq 'tick' })
        $succeeded.Count | Should -BeGreaterOrEqual 3
        $succeeded[0].ExecutionId | Should -Not -BeNullOrEmpty
        @($records | Where-Object Event -EQ 'Started')[0].Lateness | Should -BeOfType [TimeSpan]
    }

    It 'is listed by Get-MuxlyScheduler with a fresh heartbeat' {
        $instance = Get-MuxlyScheduler -Database $db | Where-Object Id -eq $job.SchedulerInstanceId
        $instance.State | Should -Be 'running'
        $instance.ProcessId | Should -Be $PID
        $instance.HeartbeatAge.TotalSeconds | Should -BeLessThan 15
    }

    It 'stops with Stop-Job within the grace period, ending Stopped' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        Stop-Job $job
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
        $job.State | Should -Be 'Stopped'
        (Get-MuxlyScheduler -Database $db -IncludeStopped | Where-Object Id -eq $job.SchedulerInstanceId).State | Should -Be 'stopped'
        Receive-Job $job | Select-Object -Last 1 | Should -Match 'Scheduler sched stopped'
    }

    It 'leaves execution rows that tell the whole story: one per second, each succeeded' {
        $rows = @(Get-TestExecution $db tick)
        $rows.Count | Should -BeGreaterOrEqual 3
        $rows.status | Sort-Object -Unique | Should -Be 'succeeded'
        $rows.triggered_by | Sort-Object -Unique | Should -Be 'schedule'
        ($rows.scheduled_for | Sort-Object -Unique).Count | Should -Be $rows.Count
    }

    It 'Stop-MuxlyScheduler stops scheduler jobs of this session by name' {
        $other = Start-MuxlyScheduler -Database $db -Name other
        Wait-Until { $other.SchedulerInstanceId }
        Stop-MuxlyScheduler -Name oth* -PassThru | Should -Be $other
        $other.State | Should -Be 'Stopped'
        Remove-Job $other
        Get-Job -Name other -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Invoke-MuxlyScheduler' {
    It 'in two processes on one database for 15 s, runs every occurrence exactly once and loses none' {
        $db = Join-Path $Folder 'shared.db'
        New-MuxlyConnector -Database $db -Name src -ConnectorType file -ConnectionSettings @{ path = (Join-Path $Folder 'in.json') } | Out-Null
        Set-MuxlySetting -Database $db -Key scheduler.heartbeat_seconds -Value 1
        $processes = foreach ($n in 1, 2) {
            Start-ChildPwsh -Folder $Folder -Name "scheduler$n" -Script "Invoke-MuxlyScheduler -Database '$db' -Name s$n -GracePeriod 5"
        }
        Wait-Until { @(Get-MuxlyScheduler -Database $db).Count -eq 2 }
        # Created once both run, so that every occurrence comes due while they do (none is missed downtime).
        # Overlap allowed: on a busy machine a run may outlast its second, and 'forbid' would then (rightly) skip the next.
        New-TestCronJob -Database $db -Name shared -Connector src -Schedule '* * * * * *' -OverlapPolicy allow | Out-Null
        Start-Sleep -Seconds 15

        if (-not $IsWindows) {
            # systemctl stop: SIGTERM stops the scheduler gracefully and the process exits cleanly.
            & kill -TERM $processes[0].Id
            $processes[0].WaitForExit(15000) | Should -BeTrue
        }
        Stop-MuxlyScheduler -All -Database $db
        foreach ($process in $processes) { $process.WaitForExit(15000) | Should -BeTrue }
        $processes.ExitCode | Should -Be @(0, 0)
        Get-MuxlyScheduler -Database $db | Should -BeNullOrEmpty

        $rows = @(Get-TestExecution $db shared)
        $rows.Count | Should -BeGreaterOrEqual 12
        $rows.status | Sort-Object -Unique | Should -Be 'succeeded'
        $times = @($rows.scheduled_for | ForEach-Object { [datetime]::Parse($_, [cultureinfo]::InvariantCulture) } | Sort-Object)
        ($times | Sort-Object -Unique).Count | Should -Be $times.Count
        # None lost: every second from the first to the last.
        ($times[-1] - $times[0]).TotalSeconds | Should -Be ($times.Count - 1)
        $log = (Get-Content "$Folder/scheduler1.out.txt", "$Folder/scheduler2.out.txt" -Raw) -join "`n"
        $log | Should -Match 'Scheduler s1 stopped'
        $log | Should -Match 'Scheduler s2 stopped'
    }

    It 'after a scheduler is killed mid-execution, the next marks that execution abandoned and retries it' {
        $db = Join-Path $Folder 'killed.db'
        Set-MuxlySetting -Database $db -Key scheduler.heartbeat_seconds -Value 1
        Set-MuxlySetting -Database $db -Key scheduler.abandoned_after_seconds -Value 5

        # An API that holds every request until the gate opens, served from a thread of this process.
        $port = Get-Random -Minimum 20000 -Maximum 60000
        $listener = [System.Net.HttpListener]::new()
        $listener.Prefixes.Add("http://127.0.0.1:$port/")
        $listener.Start()
        $gate = [System.Threading.ManualResetEventSlim]::new($false)
        $server = Start-ThreadJob {
            $listener = $using:listener; $gate = $using:gate
            while ($listener.IsListening) {
                try { $context = $listener.GetContext() } catch { break }
                $gate.Wait()
                try {
                    $body = [Text.Encoding]::UTF8.GetBytes('[{"n":1}]')
                    $context.Response.ContentType = 'application/json'
                    $context.Response.OutputStream.Write($body, 0, $body.Length)
                    $context.Response.Close()
                }
                catch { }  # the killed scheduler's connection is gone
            }
        }
        try {
            New-MuxlyConnector -Database $db -Name slow -ConnectorType api -ConnectionSettings @{ url = "http://127.0.0.1:$port/"; timeout_seconds = 120; max_retries = 0 } | Out-Null
            $blocker = New-TestCronJob -Database $db -Name blocker -Connector slow -Schedule '* * * * * *' -MaxRetries 1
            $child = Start-ChildPwsh -Folder $Folder -Name killed -Script "Invoke-MuxlyScheduler -Database '$db'"
            Wait-Until { @(Get-TestExecution $db blocker | Where-Object status -eq 'running').Count -gt 0 }
            $child.Kill()
            $child.WaitForExit(10000) | Should -BeTrue
            $orphan = @(Get-TestExecution $db blocker | Where-Object status -eq 'running')[0]

            # A new schedule never fires the old one's missed occurrences: only the retry will run.
            Set-MuxlyJob -Database $db -Name blocker -Schedule '0 0 1 1 *'
            Start-Sleep -Seconds 6   # the dead scheduler's heartbeat goes stale (scheduler.abandoned_after_seconds)
            $gate.Set()

            $result = Invoke-ChildPwsh "Invoke-MuxlyScheduler -Once -Database '$db' | Format-List Succeeded, Failed, Abandoned, Retried"
            $result.ExitCode | Should -Be 0 -Because $result.Output
            $result.Output | Should -Match "execution $($orphan.id) \(attempt 1\) was abandoned"

            $rows = @(Get-TestExecution $db blocker)
            ($rows | Where-Object id -eq $orphan.id).status | Should -Be 'abandoned'
            $retry = @($rows | Where-Object triggered_by -eq 'retry')
            $retry.Count | Should -Be 1
            $retry[0].status | Should -Be 'succeeded'
            $retry[0].attempt | Should -Be 2
            $retry[0].scheduled_for | Should -Be $orphan.scheduled_for
        }
        finally {
            $gate.Set()
            $listener.Stop()
            $server | Remove-Job -Force
        }
    }

    It '-Once exits non-zero when a run fails' {
        $db = Join-Path $Folder 'failing.db'
        New-MuxlyConnector -Database $db -Name missing -ConnectorType file -ConnectionSettings @{ path = (Join-Path $Folder 'no-such-file.json') } | Out-Null
        New-TestCronJob -Database $db -Name broken -Connector missing -Schedule '* * * * * *' | Out-Null
        Start-Sleep -Seconds 1.2

        $result = Invoke-ChildPwsh "Invoke-MuxlyScheduler -Once -Database '$db'"

        $result.ExitCode | Should -Not -Be 0
        $result.Output | Should -Match 'did not succeed'
        @(Get-TestExecution $db broken | Where-Object status -eq 'failed').Count | Should -Be 1
    }
}
