<#
.SYNOPSIS
    The scheduler figures of build.ps1 Bench: the CPU an idle Invoke-MuxlyScheduler uses with 10,000 enabled cron jobs,
    and how late every-second jobs start. Returns one ordered dictionary (results.json's "scheduler").
.DESCRIPTION
    The database is built once: one file connector, then 10,000 enabled cron jobs written in one transaction straight
    into the real tables (scheduler_jobs, scheduler_job_options, scheduler_job_cursors; New-MuxlyJob would take
    minutes). Their schedules are varied (daily, weekly, monthly, weekdays, some with seconds; four time zones) and
    all at least two hours from now in their zone, so none comes due while measuring.

    Idle: Invoke-MuxlyScheduler runs in a child pwsh (-NoProfile, its log to a file); once it has loaded the jobs and
    settled, its CPU time (user + system, Process.TotalProcessorTime) is read before and after -Seconds of wall-clock
    time: % of one core. Once per run; RSS at the end.

    Lateness: the same, plus -EverySecondJobs jobs '* * * * * *' (fetch from a small file, overlap allowed) made with
    New-MuxlyJob while it runs. Lateness is the engine's own (JobExecution.Lateness: the execution's start time
    minus the occurrence it serves) over the scheduled executions whose occurrence falls in the measured window.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $WorkDir,
    [int] $Runs = 3,
    [int] $JobCount = 10000,
    [int] $Seconds = 60,
    [int] $EverySecondJobs = 10,
    [int] $SettleSeconds = 5
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
New-Item $WorkDir -ItemType Directory -Force | Out-Null
. (Join-Path $PSScriptRoot '../BenchSupport.ps1')
$database = Join-Path $WorkDir 'scheduler.db'
$culture = [Globalization.CultureInfo]::InvariantCulture

function Get-Percentile {
    # Nearest rank over sorted values.
    param([double[]] $Sorted, [double] $Percent)
    if (-not $Sorted) { return $null }
    $Sorted[[math]::Max(0, [int][math]::Ceiling($Percent / 100 * $Sorted.Count) - 1)]
}

function Invoke-Pwsh {
    # Runs a script in a fresh pwsh with the module imported; returns what it wrote.
    param([string] $Script)
    $output = & $pwshPath @pwshArguments -Command "`$ErrorActionPreference = 'Stop'; Import-Module '$ModulePath'; $Script"
    if ($LASTEXITCODE -ne 0) { throw "pwsh failed (exit code $LASTEXITCODE): $($output -join "`n")" }
    $output
}

function New-SchedulerDatabase {
    Remove-Item "$database*" -ErrorAction SilentlyContinue
    $tickFile = Join-Path $WorkDir 'tick.json'
    '[{"n":1}]' | Set-Content $tickFile
    $script = @"
        Connect-MuxlyDatabase -Path '$database' | Out-Null
        `$connector = New-MuxlyConnector -Name src -ConnectorType file -ConnectionSettings @{ path = '$tickFile' }
        `$zones = 'UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'
        `$now = [DateTimeOffset]::UtcNow
        `$cursor = `$now.UtcDateTime.ToString('yyyy-MM-dd HH:mm:ss.fff', [cultureinfo]::InvariantCulture)
        `$connection = [Microsoft.Data.Sqlite.SqliteConnection]::new('Data Source=$database')
        `$connection.Open()
        `$transaction = `$connection.BeginTransaction()
        `$job = `$connection.CreateCommand()
        `$job.CommandText = 'INSERT INTO scheduler_jobs (id, name, job_type, schedule, connector_id, action_type, action_params, enabled) VALUES (`$id, `$name, ''cron'', `$schedule, `$connector, ''fetch'', ''{}'', 1)'
        `$options = `$connection.CreateCommand()
        `$options.CommandText = 'INSERT INTO scheduler_job_options (job_id, time_zone, overlap_policy) VALUES (`$id, `$zone, ''forbid'')'
        `$cursors = `$connection.CreateCommand()
        `$cursors.CommandText = 'INSERT INTO scheduler_job_cursors (job_id, last_scheduled_for) VALUES (`$id, `$at)'
        foreach (`$command in `$job, `$options, `$cursors) { `$command.Transaction = `$transaction }
        for (`$i = 0; `$i -lt $JobCount; `$i++) {
            `$zone = `$zones[`$i % `$zones.Count]
            # An hour at least two hours from now in the job's zone: nothing comes due while measuring.
            `$hour = ([TimeZoneInfo]::ConvertTime(`$now, [TimeZoneInfo]::FindSystemTimeZoneById(`$zone)).Hour + 2 + (`$i % 20)) % 24
            `$minute = (`$i * 7) % 60
            `$schedule = switch (`$i % 5) {
                0 { "`$minute `$hour * * *" }
                1 { "`$minute `$hour * * `$(`$i % 7)" }
                2 { "`$minute `$hour `$(1 + `$i % 28) * *" }
                3 { "`$minute `$hour * * 1-5" }
                4 { "`$(`$i % 60) `$minute `$hour * * *" }
            }
            `$id = [guid]::NewGuid().ToString('D')
            `$job.Parameters.Clear(); `$options.Parameters.Clear(); `$cursors.Parameters.Clear()
            [void]`$job.Parameters.AddWithValue('`$id', `$id); [void]`$job.Parameters.AddWithValue('`$name', ('idle-{0:D5}' -f `$i))
            [void]`$job.Parameters.AddWithValue('`$schedule', `$schedule); [void]`$job.Parameters.AddWithValue('`$connector', `$connector.Id)
            [void]`$options.Parameters.AddWithValue('`$id', `$id); [void]`$options.Parameters.AddWithValue('`$zone', `$zone)
            [void]`$cursors.Parameters.AddWithValue('`$id', `$id); [void]`$cursors.Parameters.AddWithValue('`$at', `$cursor)
            [void]`$job.ExecuteNonQuery(); [void]`$options.ExecuteNonQuery(); [void]`$cursors.ExecuteNonQuery()
        }
        `$transaction.Commit()
        `$connection.Dispose()
        (Get-MuxlyJob -Name 'idle-*' | Where-Object Enabled).Count
"@
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $count = [int](Invoke-Pwsh $script | Select-Object -Last 1)
    if ($count -ne $JobCount) { throw "The database holds $count enabled idle jobs, not $JobCount." }
    $clock.Elapsed.TotalSeconds
}

function Start-Scheduler {
    # Invoke-MuxlyScheduler in a child pwsh; returns once it has loaded the jobs, with its process and log file.
    param([string] $Name)
    $log = Join-Path $WorkDir "$Name.log"
    $arguments = $pwshArguments + @('-Command', "Import-Module '$ModulePath'; Invoke-MuxlyScheduler -Database '$database' -Name $Name -NoWebhookListener -GracePeriod 5")
    $process = Start-Process -FilePath $pwshPath -ArgumentList $arguments -RedirectStandardOutput $log -RedirectStandardError "$log.err" -PassThru
    $clock = [Diagnostics.Stopwatch]::StartNew()
    while (-not ((Test-Path $log) -and (Select-String -LiteralPath $log -Pattern 'enabled cron job\(s\)' -Quiet))) {
        if ($process.HasExited) { throw "The scheduler exited (code $($process.ExitCode)): $(Get-Content $log, "$log.err" -Raw -ErrorAction SilentlyContinue)" }
        if ($clock.Elapsed.TotalSeconds -gt 120) { throw "The scheduler did not load its jobs within 120 s; see $log." }
        Start-Sleep -Milliseconds 200
    }
    [pscustomobject]@{ Process = $process; Log = $log; ReadySeconds = $clock.Elapsed.TotalSeconds }
}

function Stop-Scheduler {
    # SIGTERM, as systemd stops it: a graceful stop. Killed if it has not exited within 30 s.
    param($Scheduler)
    if (Get-Command kill -CommandType Application -ErrorAction SilentlyContinue) { & (Get-Command kill -CommandType Application)[0] -TERM $Scheduler.Process.Id }
    else { Invoke-Pwsh "Stop-MuxlyScheduler -Database '$database' -All -Confirm:`$false" | Out-Null }
    if (-not $Scheduler.Process.WaitForExit(30000)) { $Scheduler.Process.Kill($true) }
}

function Measure-Cpu {
    # CPU time the process uses over the next $Seconds, as % of one core; and its resident set at the end.
    param([Diagnostics.Process] $Process)
    $Process.Refresh()
    $cpu = $Process.TotalProcessorTime
    $clock = [Diagnostics.Stopwatch]::StartNew()
    Start-Sleep -Seconds $Seconds
    $Process.Refresh()
    $used = $Process.TotalProcessorTime - $cpu
    [pscustomobject]@{ Percent = 100 * $used.TotalSeconds / $clock.Elapsed.TotalSeconds; RssMiB = $Process.WorkingSet64 / 1MB; CpuSeconds = $used.TotalSeconds }
}

Write-Host "Scheduler: building a database of $JobCount cron jobs" -ForegroundColor DarkCyan
$setupSeconds = New-SchedulerDatabase

$idle = foreach ($run in 1..$Runs) {
    Write-Host "Scheduler: idle run $run of $Runs ($Seconds s)" -ForegroundColor DarkCyan
    $scheduler = Start-Scheduler "idle$run"
    try {
        Start-Sleep -Seconds $SettleSeconds
        $measured = Measure-Cpu $scheduler.Process
        $measured | Add-Member ReadySeconds $scheduler.ReadySeconds -PassThru
    }
    finally { Stop-Scheduler $scheduler }
}

Write-Host "Scheduler: lateness with $EverySecondJobs every-second jobs among the $JobCount ($Seconds s)" -ForegroundColor DarkCyan
$scheduler = Start-Scheduler 'lateness'
try {
    Invoke-Pwsh "1..$EverySecondJobs | ForEach-Object { New-MuxlyJob -Database '$database' -Name ('tick-{0:D2}' -f `$_) -Connector src -Action fetch -Schedule '* * * * * *' -TimeZone UTC -OverlapPolicy allow -MaxRetries 0 | Out-Null }" | Out-Null
    Start-Sleep -Seconds $SettleSeconds
    $from = [DateTimeOffset]::UtcNow
    $busy = Measure-Cpu $scheduler.Process
    $until = [DateTimeOffset]::UtcNow
}
finally { Stop-Scheduler $scheduler }
$window = "[DateTimeOffset]::Parse('$($from.ToString('o'))'), [DateTimeOffset]::Parse('$($until.ToString('o'))')"
$lateness = Invoke-Pwsh @"
    `$from, `$until = $window
    `$rows = Get-MuxlyJobExecution -Database '$database' -Job (1..$EverySecondJobs | ForEach-Object { 'tick-{0:D2}' -f `$_ }) -Last 100000 |
        Where-Object { `$_.TriggeredBy -eq 'schedule' -and `$_.ScheduledFor -ge `$from -and `$_.ScheduledFor -lt `$until }
    "`$(@(`$rows | Where-Object Status -EQ 'succeeded').Count)"
    (@(`$rows | ForEach-Object { `$_.Lateness.TotalMilliseconds.ToString('R', [cultureinfo]::InvariantCulture) }) -join ',')
"@
$succeeded = [int]$lateness[-2]
$late = @(($lateness[-1] -split ',') | Where-Object { $_ } | ForEach-Object { [double]::Parse($_, $culture) } | Sort-Object)
$expected = $EverySecondJobs * [math]::Floor(($until - $from).TotalSeconds)

[ordered]@{
    jobs            = $JobCount
    seconds         = $Seconds
    setupSeconds    = $setupSeconds
    idleCpuPercent  = Get-Stat @($idle | ForEach-Object Percent)
    idleRssMiB      = Get-Stat @($idle | ForEach-Object RssMiB)
    loadSeconds     = Get-Stat @($idle | ForEach-Object ReadySeconds)
    everySecondJobs = $EverySecondJobs
    busyCpuPercent  = $busy.Percent
    executions      = $late.Count
    expected        = $expected
    succeeded       = $succeeded
    latenessMs      = [ordered]@{
        p50 = Get-Percentile $late 50
        p99 = Get-Percentile $late 99
        max = if ($late) { $late[-1] } else { $null }
        min = if ($late) { $late[0] } else { $null }
    }
}
