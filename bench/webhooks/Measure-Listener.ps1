<#
.SYNOPSIS
    The webhook listener under load: signed calls on loopback from the load generator in bench/ (unique ids, valid
    Standard Webhooks signatures, many keep-alive connections) against a scheduler hosting the listener. Returns the
    `listener` section of results.json.
.DESCRIPTION
    A fresh database holds a webhook job whose action is cheap and realistic: a route from a webhook connector through
    one rule to a file destination. Invoke-MuxlyScheduler runs it in a child pwsh, listening on 127.0.0.1 on a free
    port. The generator warms up, then makes -Runs timed runs of -Seconds each; the figures are the median, min and
    max over the runs. Afterwards the executions are left to finish (up to -DrainSeconds) and the database is checked
    with plain SQL: every accepted call must have exactly one execution (none duplicated, none lost), and the report
    says how many had finished. For the ceiling of the HTTP stack, the same generator loads a listener that checks
    and stores nothing (webhook-baseline).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $BenchDll,
    [Parameter(Mandatory)] [string] $WorkDir,
    [int] $Runs = 3,
    [double] $Seconds = 10,
    # Long enough for the runtime to finish re-compiling the hot paths at its optimising tier: after 3 s, the JIT was
    # still a quarter of the scheduler's CPU during the measured seconds on two cores (perf), and the figures measured it.
    [double] $WarmUpSeconds = 10,
    [int] $Connections = 32,
    [int] $DrainSeconds = 120
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
if (Test-Path $WorkDir) { Remove-Item $WorkDir -Recurse -Force }
New-Item $WorkDir -ItemType Directory -Force | Out-Null
. (Join-Path $PSScriptRoot '../BenchSupport.ps1')

function Invoke-Load {
    param([string[]] $Arguments)
    $line = & dotnet $BenchDll @Arguments | Select-Object -Last 1
    if ($LASTEXITCODE -ne 0) { throw "The load generator failed (exit code $LASTEXITCODE): $line" }
    $line | ConvertFrom-Json
}

$database = Join-Path $WorkDir 'listener.db'
$probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
$probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
$prefix = "http://127.0.0.1:$port/"

# The job: webhook connector -> route (one rule, every record) -> file destination.
$setup = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$PSDefaultParameterValues = @{ '*-Muxly*:Database' = '$database' }
Set-MuxlySetting -Name webhook.rate_limit_per_minute -Value 1000000 | Out-Null
Set-MuxlySetting -Name executions.retention_per_job -Value 1000000 | Out-Null
New-MuxlyConnector -Name load -ConnectorType webhook | Out-Null
New-MuxlyDestination -Name sink -DestinationType file -Config @{ path = '$(Join-Path $WorkDir 'delivered.jsonl')' } | Out-Null
New-MuxlyRule -Name every -Condition "type == 'load.test'" -Destination sink | Out-Null
New-MuxlyRoute -Name load -Connector load -Rule every | Out-Null
New-MuxlyJob -Name load -JobType webhook -Connector load -Route load -MaxRetries 0 -OverlapPolicy allow | Out-Null
(Register-MuxlyWebhook -Job load -Path /hooks/load -Scheme StandardWebhooks).Secret
"@
$secret = & $pwshPath @pwshArguments -Command $setup | Select-Object -Last 1
if ($LASTEXITCODE -ne 0 -or $secret -notlike 'whsec_*') { throw "Setting up the listener database failed: $secret" }

$log = Join-Path $WorkDir 'scheduler.log'
$scheduler = Start-Process -FilePath $pwshPath -PassThru -RedirectStandardOutput $log -RedirectStandardError (Join-Path $WorkDir 'scheduler.err') `
    -ArgumentList ($pwshArguments + @('-Command', "Import-Module '$ModulePath'; Invoke-MuxlyScheduler -Name bench-listener -Database '$database' -WebhookPrefix '$prefix' -GracePeriod $DrainSeconds"))
try {
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not ((Test-Path $log) -and (Select-String -Path $log -SimpleMatch 'listening on' -Quiet))) {
        if ($scheduler.HasExited -or [DateTime]::UtcNow -gt $deadline) { throw "The scheduler did not start listening: $(Get-Content $log -Raw -ErrorAction SilentlyContinue) $(Get-Content (Join-Path $WorkDir 'scheduler.err') -Raw -ErrorAction SilentlyContinue)" }
        Start-Sleep -Milliseconds 200
    }

    $url = "${prefix}hooks/load"
    $common = @('webhook-load', '--url', $url, '--secret', $secret, '--connections', $Connections)
    Write-Host "  warm-up ($WarmUpSeconds s), then $Runs runs of $Seconds s on $Connections connections"
    $measured = @()
    $warm = Invoke-Load ($common + @('--duration', $WarmUpSeconds, '--id-prefix', 'warm'))
    $acceptedTotal = [long]$warm.accepted
    for ($k = 1; $k -le $Runs; $k++) {
        $run = Invoke-Load ($common + @('--duration', $Seconds, '--id-prefix', "run$k"))
        Write-Host ("  run {0}: {1:N0} accepted/s, p50 {2} ms, p99 {3} ms, other statuses {4}, errors {5}" -f $k, $run.accepted_per_second, $run.p50_ms, $run.p99_ms, ($run.other_statuses | ConvertTo-Json -Compress), $run.errors)
        $measured += $run
        $acceptedTotal += [long]$run.accepted
    }

    # Let the queued executions run, then stop the scheduler (through the database, as Stop-MuxlyScheduler -All does).
    $drainClock = [Diagnostics.Stopwatch]::StartNew()
    do {
        Start-Sleep -Seconds 2
        $check = & dotnet $BenchDll webhook-check --database $database | ConvertFrom-Json
        $open = @($check.by_status.PSObject.Properties | Where-Object Name -In 'queued', 'running' | ForEach-Object Value) | Measure-Object -Sum
    } while ($open.Sum -gt 0 -and $drainClock.Elapsed.TotalSeconds -lt $DrainSeconds)
    $drained = $drainClock.Elapsed.TotalSeconds
}
finally {
    & $pwshPath @pwshArguments -Command "Import-Module '$ModulePath'; Stop-MuxlyScheduler -All -Database '$database' -Confirm:`$false" | Out-Null
    if (-not $scheduler.WaitForExit(60000)) { $scheduler.Kill($true) }
}

$check = & dotnet $BenchDll webhook-check --database $database | ConvertFrom-Json
$finished = [long]$check.executions - [long](@($check.by_status.PSObject.Properties | Where-Object Name -In 'queued', 'running' | ForEach-Object Value) | Measure-Object -Sum).Sum
$exactlyOnce = [long]$check.executions -eq $acceptedTotal -and [long]$check.executions_linked_twice -eq 0 -and [long]$check.executions_without_delivery -eq 0 -and [long]$check.deliveries_with_execution -eq $acceptedTotal
Write-Host ("  {0:N0} accepted, {1:N0} executions ({2}), exactly once: {3}; {4:N0} finished, drained in {5:N0} s" -f $acceptedTotal, $check.executions, ($check.by_status | ConvertTo-Json -Compress), $exactlyOnce, $finished, $drained)

Write-Host '  the same load against a listener that checks and stores nothing (the HTTP stack''s ceiling)'
$baseline = @(for ($k = 1; $k -le $Runs; $k++) { Invoke-Load @('webhook-baseline', '--connections', $Connections, '--duration', $Seconds, '--warmup', 1) })

[ordered]@{
    connections      = $Connections
    seconds          = $Seconds
    runs             = @($measured)
    acceptedPerSecond = Get-Stat @($measured | ForEach-Object accepted_per_second)
    p50Ms            = Get-Stat @($measured | ForEach-Object p50_ms)
    p99Ms            = Get-Stat @($measured | ForEach-Object p99_ms)
    refused          = [long](@($measured | ForEach-Object { $_.sent - $_.accepted }) | Measure-Object -Sum).Sum
    accepted         = $acceptedTotal
    check            = [ordered]@{
        executions   = [long]$check.executions
        byStatus     = $check.by_status
        linkedTwice  = [long]$check.executions_linked_twice
        withoutDelivery = [long]$check.executions_without_delivery
        exactlyOnce  = $exactlyOnce
        finished     = $finished
        drainSeconds = [math]::Round($drained, 1)
    }
    baseline         = [ordered]@{
        acceptedPerSecond = Get-Stat @($baseline | ForEach-Object accepted_per_second)
        p50Ms = Get-Stat @($baseline | ForEach-Object p50_ms)
        p99Ms = Get-Stat @($baseline | ForEach-Object p99_ms)
    }
}
