<#
.SYNOPSIS
    The cmdlet timings of build.ps1 Bench: Import-Module over a bare pwsh start; Get-MuxlyConnector and Get-MuxlyJob,
    by one name and listing all, against databases of 10 and 10,000 connectors and jobs; New-MuxlySetting 1,000 times
    in a loop. Returns one row per figure.
.DESCRIPTION
    Each figure is measured in fresh pwsh processes (-NoProfile), like a scheduled task or a setup script would run.
    Start-up: the whole process, timed from outside, with and without Import-Module (at least 7 processes each);
    Import-Module itself is also timed inside the process. Get-: each database holds N file connectors and one
    enabled cron job per connector (eight schedules, four time zones, so NextRunAt is computed in several zones), and
    every hundredth job has run once (LastRunAt and LastStatus have something to show). Each Get- is timed two ways:
    as the first command after Import-Module in a fresh process (what a scheduled task pays), and warm (the median
    of repeated calls in one process after -WarmUpCalls calls, past the 30 calls after which the runtime's tiered JIT
    recompiles a method with full optimisation: a listing runs its per-call code once a call, so after one warm-up
    call it would still be timing the JIT). Output goes to Out-Null: the cmdlet's own cost, without
    formatting. New-MuxlySetting: the whole loop on a fresh database, once per run.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $WorkDir,
    [int] $Runs = 5,
    [int[]] $ObjectCounts = @(10, 10000),
    [int] $WarmUpCalls = 40
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
New-Item $WorkDir -ItemType Directory -Force | Out-Null
. (Join-Path $PSScriptRoot '../BenchSupport.ps1')

function Invoke-Pwsh {
    # Runs a script in a fresh pwsh (the benchmarks' one, or with -Tool the dotnet tool's IL-only one); returns its
    # wall-clock seconds and the last line it wrote.
    param([string] $Script, [switch] $Tool)
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $output = if ($Tool) { & $toolPwshPath @toolPwshArguments -Command $Script } else { & $pwshPath @pwshArguments -Command $Script }
    $clock.Stop()
    if ($LASTEXITCODE -ne 0) { throw "pwsh failed (exit code $LASTEXITCODE): $($output -join "`n")" }
    [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Output = $output | Select-Object -Last 1 }
}

function New-Row {
    # Key names a row the report checks against a goal (Write-PerformanceReport.ps1 $Goals).
    param([string] $Area, [string] $Name, [string] $Unit, $Stat, [string] $Note, [string] $Key)
    [ordered]@{ area = $Area; name = $Name; unit = $Unit; stat = $Stat; note = $Note; key = $Key }
}

function Format-Count {
    param([int] $Count)
    $Count.ToString('N0', [cultureinfo]::InvariantCulture)
}

$rows = [System.Collections.Generic.List[object]]::new()

# Start-up, interleaved so that both see the same machine: in the benchmarks' pwsh (precompiled, as installed), and
# in the dotnet tool's (IL only), when they differ.
$startRuns = [math]::Max($Runs, 7)
$shells = [ordered]@{ '' = $false }
if ($env:MUXLY_BENCH_PWSH) { $shells = [ordered]@{ '' = $false; ' (dotnet tool, IL only)' = $true } }
foreach ($label in $shells.Keys) {
    $tool = $shells[$label]
    $bare = @(); $imported = @(); $importInside = @()
    for ($k = 0; $k -lt $startRuns; $k++) {
        $bare += (Invoke-Pwsh 'exit 0' -Tool:$tool).Seconds
        $run = Invoke-Pwsh "`$c = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$ModulePath'; `$c.Elapsed.TotalMilliseconds" -Tool:$tool
        $imported += $run.Seconds
        $importInside += [double]$run.Output
    }
    $bareStat = Get-Stat ($bare | ForEach-Object { $_ * 1000 })
    $importedStat = Get-Stat ($imported | ForEach-Object { $_ * 1000 })
    $rows.Add((New-Row 'start-up' "pwsh -NoProfile, bare start$label" 'ms' $bareStat 'the whole process, from outside'))
    $rows.Add((New-Row 'start-up' "pwsh -NoProfile with Import-Module Muxly$label" 'ms' $importedStat 'the whole process, from outside'))
    $rows.Add((New-Row 'start-up' "Import-Module Muxly, inside the process$label" 'ms' (Get-Stat $importInside) 'timed around Import-Module in a fresh pwsh'))
    $rows.Add((New-Row 'start-up' "Import-Module over a bare start$label" 'ms' ([ordered]@{ median = $importedStat.median - $bareStat.median; min = $null; max = $null; n = $startRuns }) 'difference of the two medians above' $(if (-not $tool) { 'import-over-bare' } else { 'import-over-bare-tool' })))
}

# Get-MuxlyConnector and Get-MuxlyJob against databases of 10 and 10,000 connectors and jobs.
$records = Join-Path $WorkDir 'records.jsonl'
Set-Content -LiteralPath $records -Value '{"id":1}'
$gets = [ordered]@{
    'Get-MuxlyConnector -Name' = @{ Command = "Get-MuxlyConnector -Name '{0}'"; Name = 'bench-{0:D5}'; Calls = 200; Key = 'get-name' }
    'Get-MuxlyConnector'       = @{ Command = 'Get-MuxlyConnector'; Calls = 20; Key = 'get-all' }
    'Get-MuxlyJob -Name'       = @{ Command = "Get-MuxlyJob -Name '{0}'"; Name = 'job-{0:D5}'; Calls = 200; Key = 'get-name' }
    'Get-MuxlyJob'             = @{ Command = 'Get-MuxlyJob'; Calls = 20; Key = 'get-all' }
}
foreach ($count in $ObjectCounts) {
    $database = Join-Path $WorkDir "objects-$count.db"
    Remove-Item "$database*" -ErrorAction SilentlyContinue
    $script = @"
        `$ErrorActionPreference = 'Stop'
        Import-Module '$ModulePath'
        Connect-MuxlyDatabase -Path '$database'
        `$schedules = '*/5 * * * *', '0 * * * *', '30 2 * * *', '0 9 * * 1-5', '@daily', '15 */6 * * *', '0 0 1 * *', '*/30 8-18 * * *'
        `$zones = '', 'UTC', 'Europe/Berlin', 'America/New_York'
        for (`$i = 1; `$i -le $count; `$i++) {
            `$name = 'bench-{0:D5}' -f `$i
            New-MuxlyConnector -Name `$name -ConnectorType file -ConnectionSettings @{ path = '$records'; format = 'jsonl' } | Out-Null
            `$job = @{ Name = 'job-{0:D5}' -f `$i; Connector = `$name; Schedule = `$schedules[`$i % 8]; Action = 'fetch'; MaxRetries = 0 }
            if (`$zones[`$i % 4]) { `$job.TimeZone = `$zones[`$i % 4] }
            New-MuxlyJob @job | Out-Null
        }
        for (`$i = 1; `$i -le $count; `$i += [math]::Max(1, [int]($count / 100))) { Start-MuxlyJob -Name ('job-{0:D5}' -f `$i) | Out-Null }
        'created'
"@
    $created = Invoke-Pwsh $script
    $rows.Add((New-Row 'setup' "New-MuxlyConnector and New-MuxlyJob x $(Format-Count $count), Start-MuxlyJob on every 100th (to build the database)" 's' ([ordered]@{ median = $created.Seconds; min = $null; max = $null; n = 1 }) 'one process, one run; not a goal'))
    $target = [int][math]::Ceiling($count / 2)

    foreach ($label in $gets.Keys) {
        $get = $gets[$label]
        $command = if ($get.ContainsKey('Name')) { $get.Command -f ($get.Name -f $target) } else { $get.Command }
        $what = if ($get.ContainsKey('Name')) { 'one name' } else { "all $(Format-Count $count)" }

        # The first call in a fresh process, right after Import-Module: a process per sample.
        $first = @()
        for ($k = 0; $k -lt $Runs; $k++) {
            $script = @"
                `$ErrorActionPreference = 'Stop'
                Import-Module '$ModulePath'
                Connect-MuxlyDatabase -Path '$database'
                `$c = [Diagnostics.Stopwatch]::StartNew(); $command | Out-Null; `$c.Elapsed.TotalMilliseconds
"@
            $first += [double](Invoke-Pwsh $script).Output
        }
        $rows.Add((New-Row 'cmdlets' "$label, first call in a fresh process ($(Format-Count $count) connectors and jobs)" 'ms' (Get-Stat $first) "$what; the first command after Import-Module, one process per sample" "$($get.Key)-first-$count"))

        # Warm: repeated calls in one process after the warm-up calls.
        $samples = @()
        for ($k = 0; $k -lt [math]::Max(1, [math]::Floor($Runs / 2)); $k++) {
            $script = @"
                `$ErrorActionPreference = 'Stop'
                Import-Module '$ModulePath'
                Connect-MuxlyDatabase -Path '$database'
                foreach (`$i in 1..$WarmUpCalls) { $command | Out-Null }
                `$times = foreach (`$i in 1..$($get.Calls)) {
                    `$c = [Diagnostics.Stopwatch]::StartNew(); $command | Out-Null; `$c.Elapsed.TotalMilliseconds
                }
                `$times -join ','
"@
            $samples += @((Invoke-Pwsh $script).Output -split ',' | ForEach-Object { [double]$_ })
        }
        $rows.Add((New-Row 'cmdlets' "$label, warm ($(Format-Count $count) connectors and jobs)" 'ms per call' (Get-Stat $samples) "$what; $($get.Calls) calls per process after $WarmUpCalls warm-up calls" "$($get.Key)-warm-$count"))
    }
    Remove-Item "$database*" -ErrorAction SilentlyContinue
}

# New-MuxlySetting 1,000 times on a fresh database.
$loops = @()
for ($k = 0; $k -lt $Runs; $k++) {
    $database = Join-Path $WorkDir 'settings.db'
    Remove-Item "$database*" -ErrorAction SilentlyContinue
    $script = @"
        `$ErrorActionPreference = 'Stop'
        Import-Module '$ModulePath'
        Connect-MuxlyDatabase -Path '$database'
        Get-MuxlySetting | Out-Null
        `$c = [Diagnostics.Stopwatch]::StartNew()
        for (`$i = 1; `$i -le 1000; `$i++) { New-MuxlySetting -Key "bench.key`$i" -Value `$i | Out-Null }
        `$c.Elapsed.TotalSeconds
"@
    $loops += [double](Invoke-Pwsh $script).Output
}
Remove-Item (Join-Path $WorkDir 'settings.db*') -ErrorAction SilentlyContinue
$rows.Add((New-Row 'cmdlets' 'New-MuxlySetting x 1,000 in a loop' 's' (Get-Stat $loops) 'fresh database each run; the database opened before the loop'))

$rows
