<#
.SYNOPSIS
    The router, end to end: each workload of Workloads.ps1 run by Muxly, the idiomatic PowerShell pipeline, jq,
    Miller and the plain C# loop (the limit), on generated orders of each size; returns one result per workload and
    size.
.DESCRIPTION
    Each runner is its own process, timed from start to exit with a Stopwatch (process start included, as a user
    running it from a shell sees it) and its peak resident memory read by GNU time ("%M", the maximum RSS of the
    process). Runs are interleaved (run k of every runner, then run k+1) so that a change in the machine's load hits
    all runners alike; Muxly's ratio to each runner is taken within each round and summarised over the rounds.
    After the runs, the last output of every runner is compared canonically with the limit's (CanonicalRecords.cs);
    a mismatch is reported loudly and recorded in the result.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $BenchDll,
    [Parameter(Mandatory)] [string] $WorkDir,
    [long[]] $Sizes = @(100000, 1000000, 4000000),
    [int] $Runs = 3,
    [string[]] $Workload = @('short', 'long', 'csv'),
    # The PowerShell pipeline handles a few thousand records a second: above this size one run would take most of an
    # hour, so it is left out there and its ratio comes from the smaller sizes.
    [long] $PowerShellMaxRecords = 1000000
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'Workloads.ps1')

. (Join-Path $PSScriptRoot '../BenchSupport.ps1')
$timeTool = if (Test-Path '/usr/bin/time') { '/usr/bin/time' }
New-Item $WorkDir -ItemType Directory -Force | Out-Null

function Invoke-Measured {
    # Runs one process with stdin from $InputPath (or /dev/null) and stdout to $OutputPath; returns seconds and peak RSS.
    param([string] $Command, [string[]] $Arguments, [string] $InputPath = '/dev/null', [string] $OutputPath, [string] $ErrorPath)
    $timing = Join-Path $WorkDir 'time.txt'
    Remove-Item $timing -ErrorAction SilentlyContinue
    # bash only redirects, then becomes the command (exec), so GNU time measures the command itself.
    $redirect = @('bash', '-c', 'in=$1; out=$2; err=$3; shift 3; exec "$@" < "$in" > "$out" 2> "$err"', 'bench', $InputPath, $OutputPath, $ErrorPath, $Command) + $Arguments
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    if ($timeTool) { & $timeTool -f '%M' -o $timing @redirect } else { & $redirect[0] $redirect[1..($redirect.Count - 1)] }
    $exit = $LASTEXITCODE
    $clock.Stop()
    $peak = if ($timeTool -and (Test-Path $timing)) {
        # GNU time writes "Command exited with non-zero status N" before the figure when the command fails.
        [long]((Get-Content $timing | Where-Object { $_ -match '^\d+$' } | Select-Object -Last 1) ?? -1)
    } else { -1 }
    [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; PeakKiB = $peak; ExitCode = $exit }
}

$extension = @{ jsonl = 'jsonl'; csv = 'csv' }
$results = [System.Collections.Generic.List[object]]::new()
foreach ($size in $Sizes) {
    $inputPath = Join-Path $WorkDir "orders-$size.jsonl"
    Write-Host "-- generating $size orders"
    $generated = & dotnet $BenchDll generate --count $size --out $inputPath | ConvertFrom-Json
    if ($LASTEXITCODE -ne 0) { throw "The generator failed (exit code $LASTEXITCODE)." }
    $bytes = [long]$generated.bytes

    foreach ($definition in $RouterWorkloads | Where-Object Name -In $Workload) {
        $name = $definition.Name
        $ext = $extension[$definition.Format]
        $outputs = [ordered]@{}
        foreach ($runner in 'muxly', 'powershell', 'jq', 'mlr', 'limit') {
            $outputs[$runner] = Join-Path $WorkDir "$name-$runner.$ext"
        }

        $runners = [ordered]@{}
        foreach ($runner in $outputs.Keys) {
            $runners[$runner] = [ordered]@{ available = $true; reason = $null; runs = [System.Collections.Generic.List[object]]::new() }
        }

        # Muxly: configure once (not timed), then only Invoke-MuxlyRoute is run per round.
        $database = Join-Path $WorkDir "muxly-$name.db"
        $muxlyResult = Join-Path $WorkDir 'muxly-result.json'
        $muxlyRunner = Join-Path $PSScriptRoot 'Invoke-MuxlyRunner.ps1'
        $powershellResult = Join-Path $WorkDir 'powershell-result.json'
        # The two runners that run inside pwsh also time their work themselves (pwsh start and module import left out).
        $innerResults = @{ muxly = $muxlyResult; powershell = $powershellResult }
        & $pwshPath @pwshArguments -File $muxlyRunner -Mode Setup -ModulePath $ModulePath -Database $database -Workload $name `
            -ResultPath $muxlyResult -InputPath $inputPath -OutputPath $outputs.muxly | Out-Host
        $setup = if (Test-Path $muxlyResult) { Get-Content $muxlyResult -Raw | ConvertFrom-Json } else { [pscustomobject]@{ available = $false; reason = "setup exited with $LASTEXITCODE" } }
        if (-not $setup.available) {
            $runners.muxly.available = $false
            $runners.muxly.reason = $setup.reason
            Write-Host "Muxly: not available in this build ($($setup.reason))" -ForegroundColor Yellow
        }

        $commands = @{
            muxly      = { param($k) Invoke-Measured $pwshPath ($pwshArguments + @('-File', $muxlyRunner, '-Mode', 'Run', '-ModulePath', $ModulePath, '-Database', $database, '-Workload', $name, '-ResultPath', $muxlyResult)) -OutputPath (Join-Path $WorkDir 'muxly.log') -ErrorPath (Join-Path $WorkDir 'muxly.err') }
            powershell = { param($k) Invoke-Measured $pwshPath ($pwshArguments + @('-File', (Join-Path $PSScriptRoot 'Invoke-PowerShellPipeline.ps1'), '-Workload', $name, '-InputPath', $inputPath, '-OutputPath', $outputs.powershell, '-ResultPath', $powershellResult)) -OutputPath (Join-Path $WorkDir 'powershell.log') -ErrorPath (Join-Path $WorkDir 'powershell.err') }
            jq         = { param($k) Invoke-Measured 'jq' $definition.Jq -InputPath $inputPath -OutputPath $outputs.jq -ErrorPath (Join-Path $WorkDir 'jq.err') }
            mlr        = { param($k) Invoke-Measured 'mlr' $definition.Miller -InputPath $inputPath -OutputPath $outputs.mlr -ErrorPath (Join-Path $WorkDir 'mlr.err') }
            limit      = { param($k) Invoke-Measured 'dotnet' @($BenchDll, 'limit', '--workload', $name, '--in', $inputPath, '--out', $outputs.limit) -OutputPath (Join-Path $WorkDir 'limit.log') -ErrorPath (Join-Path $WorkDir 'limit.err') }
        }
        if ($size -gt $PowerShellMaxRecords) {
            $runners.powershell.available = $false
            $runners.powershell.reason = "left out above $PowerShellMaxRecords records (-PowerShellMaxRecords): too slow; see the smaller sizes"
        }
        foreach ($tool in 'jq', 'mlr') {
            if (-not (Get-Command $tool -CommandType Application -ErrorAction SilentlyContinue)) {
                $runners[$tool].available = $false
                $runners[$tool].reason = "$tool is not installed"
            }
        }

        for ($k = 1; $k -le $Runs; $k++) {
            foreach ($runner in $runners.Keys) {
                $state = $runners[$runner]
                if (-not $state.available) { continue }
                Write-Host ("-- {0} n={1} run {2}/{3}: {4}" -f $name, $size, $k, $Runs, $runner)
                $run = & $commands[$runner] $k
                if ($run.ExitCode -ne 0) {
                    $errorFile = Join-Path $WorkDir "$runner.err"
                    $detail = if ($runner -eq 'muxly' -and (Test-Path $muxlyResult)) { (Get-Content $muxlyResult -Raw | ConvertFrom-Json).PSObject.Properties['reason']?.Value } else { (Get-Content $errorFile -Raw -ErrorAction SilentlyContinue) }
                    $state.available = $false
                    $state.reason = "exit code $($run.ExitCode): $("$detail".Trim())"
                    Write-Host "$runner failed: $($state.reason)" -ForegroundColor Red
                    continue
                }
                if ($innerResults[$runner] -and (Test-Path $innerResults[$runner])) {
                    $run | Add-Member InnerSeconds ([double](Get-Content $innerResults[$runner] -Raw | ConvertFrom-Json).seconds)
                    Remove-Item $innerResults[$runner]
                }
                $state.runs.Add($run)
            }
        }

        # Rates, memory and Muxly's ratio to each runner, round by round.
        $summary = [ordered]@{}
        foreach ($runner in $runners.Keys) {
            $state = $runners[$runner]
            $seconds = @($state.runs | ForEach-Object Seconds)
            $peaks = @($state.runs | ForEach-Object PeakKiB | Where-Object { $_ -ge 0 })
            $entry = [ordered]@{ available = $state.available -and $seconds.Count -gt 0; reason = $state.reason }
            if ($entry.available) {
                $entry.seconds = Get-Stat $seconds
                $entry.recordsPerSecond = Get-Stat ($seconds | ForEach-Object { $size / $_ })
                $entry.megabytesPerSecond = Get-Stat ($seconds | ForEach-Object { $bytes / 1e6 / $_ })
                $entry.peakMiB = Get-Stat ($peaks | ForEach-Object { $_ / 1024 })
                $inner = @($state.runs | Where-Object { $_.PSObject.Properties['InnerSeconds'] } | ForEach-Object InnerSeconds)
                if ($inner.Count -eq $seconds.Count) {
                    $entry.innerSeconds = Get-Stat $inner
                    $entry.innerRecordsPerSecond = Get-Stat ($inner | ForEach-Object { $size / $_ })
                }
                if ($runner -ne 'muxly' -and $runners.muxly.available -and $runners.muxly.runs.Count -eq $state.runs.Count) {
                    # Muxly's speed over this runner's: above 1 means Muxly is faster.
                    $entry.muxlyRatio = Get-Stat (0..($state.runs.Count - 1) | ForEach-Object { $state.runs[$_].Seconds / $runners.muxly.runs[$_].Seconds })
                    if ($entry.Contains('innerSeconds')) {
                        # Both inside pwsh, each timing its own work: the start of pwsh, the same for both, left out.
                        $entry.muxlyInnerRatio = Get-Stat (0..($state.runs.Count - 1) | ForEach-Object { $state.runs[$_].InnerSeconds / $runners.muxly.runs[$_].InnerSeconds })
                    }
                }
            }
            $summary[$runner] = $entry
        }

        # Same records from every runner? The limit's output is the reference.
        $present = @($outputs.Keys | Where-Object { $summary[$_].available -and (Test-Path $outputs[$_]) })
        $comparison = $null
        if ($present.Count -ge 2) {
            $ordered = @('limit') + @($present | Where-Object { $_ -ne 'limit' })
            $verdict = & dotnet $BenchDll compare --format $definition.Format @($ordered | ForEach-Object { $outputs[$_] })
            $compared = ($verdict -join "`n") | ConvertFrom-Json
            $files = @(for ($i = 0; $i -lt $ordered.Count; $i++) {
                    $file = $compared.files[$i]
                    [ordered]@{ runner = $ordered[$i]; records = $file.records; same = $file.same; missing = $file.missing; extra = $file.extra }
                })
            $comparison = [ordered]@{ same = [bool]$compared.same; files = $files }
            if ($compared.same) {
                Write-Host ("-- {0} n={1}: {2} agree ({3} records)" -f $name, $size, ($ordered -join ', '), $files[0].records) -ForegroundColor Green
            }
            else {
                Write-Host ("!! {0} n={1}: THE OUTPUTS DIFFER" -f $name, $size) -ForegroundColor Red
                foreach ($file in $files | Where-Object { -not $_.same }) {
                    Write-Host ("!!   {0}: {1} records; missing e.g. {2}; extra e.g. {3}" -f $file.runner, $file.records, ($file.missing | Select-Object -First 1), ($file.extra | Select-Object -First 1)) -ForegroundColor Red
                }
            }
        }

        $results.Add([ordered]@{
                workload = $name; title = $definition.Title; description = $definition.Description; format = $definition.Format
                records = $size; bytes = $bytes; runs = $Runs; runners = $summary; comparison = $comparison
            })
        Remove-Item $database* -ErrorAction SilentlyContinue
    }
}

$results
