<#
.SYNOPSIS
    Everything behind 'build.ps1 Bench': installs what it compares against, runs the engine benchmarks, the router
    end to end, the cmdlet timings, the scheduler and the webhook listener under load, and writes docs/performance.md.
.DESCRIPTION
    build.ps1 builds first and passes the built module and benchmark assembly. Results are also kept as JSON in
    -WorkDir (results.json), so that the report can be rewritten without measuring again:
    Write-PerformanceReport.ps1 -ResultsPath out/bench/results.json -ReportPath docs/performance.md.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $BenchDll,
    [Parameter(Mandatory)] [string] $WorkDir,
    [Parameter(Mandatory)] [string] $ReportPath,
    [long[]] $Sizes = @(100000, 1000000, 4000000),
    [int] $Runs = 3,
    # Above this many records the PowerShell pipeline is left out (about 6,000 records/s: 1M records would take
    # about three minutes per run and workload, and its ratio is the same at 100k, timed inside pwsh).
    [long] $PowerShellMaxRecords = 100000,
    # Engine benchmarks once each, in process: proves the harness works, measures nothing.
    [switch] $Quick,
    # The parts to measure. Fewer than all keeps the others from the last run's results.json in -WorkDir (which must
    # exist, and be a full run's, not a smoke run's); each part records the start of the run that measured it.
    [ValidateSet('engine', 'router', 'cmdlets', 'scheduler', 'listener')]
    [string[]] $Parts = @('engine', 'router', 'cmdlets', 'scheduler', 'listener')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
New-Item $WorkDir -ItemType Directory -Force | Out-Null
$started = [DateTimeOffset]::Now

function Install-BenchTool {
    # jq, Miller and GNU time from Debian's packages when missing; says what it does.
    $wanted = [ordered]@{ jq = 'jq'; mlr = 'miller'; '/usr/bin/time' = 'time' }
    $missing = @($wanted.Keys | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) } | ForEach-Object { $wanted[$_] })
    if (-not $missing) { return }
    if (-not (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        Write-Warning "Missing $($missing -join ', ') and no apt-get to install them: those comparisons will be reported as not run."
        return
    }
    $sudo = if ((& id -u) -ne '0') { 'sudo' }
    Write-Host "Installing $($missing -join ', ') from Debian's packages (apt-get install -y $($missing -join ' '))" -ForegroundColor Yellow
    $install = { if ($sudo) { & $sudo apt-get install -y -q @missing } else { & apt-get install -y -q @missing } }
    & $install | Out-Host
    if ($LASTEXITCODE -ne 0) {
        Write-Host 'The package lists may be stale: apt-get update, then again.' -ForegroundColor Yellow
        if ($sudo) { & $sudo apt-get update -q | Out-Host } else { & apt-get update -q | Out-Host }
        & $install | Out-Host
    }
    if ($LASTEXITCODE -ne 0) { Write-Warning "Could not install $($missing -join ', '); those comparisons will be reported as not run." }
}

function Get-MachineInfo {
    $memory = (Get-Content /proc/meminfo -ErrorAction SilentlyContinue | Where-Object { $_ -match '^MemTotal:\s+(\d+)' } | ForEach-Object { [long]$Matches[1] * 1KB }) ?? 0
    $cpu = (Get-Content /proc/cpuinfo -ErrorAction SilentlyContinue | Where-Object { $_ -match '^model name\s*:\s*(.+)$' } | Select-Object -First 1 | ForEach-Object { $Matches[1] }) ?? ''
    $os = if (Test-Path /etc/os-release) { (Get-Content /etc/os-release | Where-Object { $_ -match '^PRETTY_NAME="?([^"]*)"?' } | ForEach-Object { $Matches[1] }) } else { [System.Runtime.InteropServices.RuntimeInformation]::OSDescription }
    $version = { param($command, $arguments) try { ((& $command @arguments 2>&1) | Select-Object -First 1) -as [string] } catch { $null } }
    [ordered]@{
        cores      = [Environment]::ProcessorCount
        cpu        = $cpu
        memoryGiB  = [math]::Round($memory / 1GB, 1)
        os         = "$os ($([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture))"
        kernel     = [System.Runtime.InteropServices.RuntimeInformation]::OSDescription
        dotnet     = [System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
        pwsh       = $PSVersionTable.PSVersion.ToString() + $(if ($env:MUXLY_BENCH_PWSH) { ' (the dotnet tool''s assemblies, precompiled: see the cmdlets)' } else { ' (the dotnet tool, IL only: no ReadyToRun compiler)' })
        jq         = & $version 'jq' @('--version')
        mlr        = & $version 'mlr' @('--version')
        loadAverage = (Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -as [string]
    }
}

function Initialize-BenchPwsh {
    <#
        The pinned pwsh comes as a dotnet tool, whose assemblies are IL only (one package for every platform), so
        every process first JIT-compiles PowerShell itself: start-up and Import-Module cost about twice what they do
        in pwsh as its installers ship it (precompiled, ReadyToRun). Every benchmark runs a copy of the same pwsh
        with its assemblies precompiled by the compiler build.ps1 uses for the module; the cmdlet timings measure
        the tool's start too. Without a compiler the benchmarks run the tool and say so.
    #>
    $copy = Join-Path $WorkDir 'pwsh'
    Write-Host "Precompiling a copy of pwsh $($PSVersionTable.PSVersion) (ReadyToRun) into $copy; removed after the run" -ForegroundColor Yellow
    if (Test-Path $copy) { Remove-Item $copy -Recurse -Force }
    Copy-Item $PSHOME $copy -Recurse
    # PowerShell's own assemblies and what they load at start; not Roslyn (only Add-Type uses it, and it is slow to compile).
    $assemblies = Get-ChildItem $PSHOME -Filter '*.dll' | Where-Object {
        $_.Name -notlike 'Microsoft.CodeAnalysis*' -and -not (Test-ReadyToRun $_.FullName)
    }
    $done = & (Join-Path $PSScriptRoot '../tools/ReadyToRun/Invoke-ReadyToRun.ps1') -Assembly $assemblies -OutputFolder $copy `
        -Reference (Join-Path $PSHOME 'Microsoft.CodeAnalysis*.dll')
    if (-not $done) { Remove-Item $copy -Recurse -Force; return $null }
    Join-Path $copy 'pwsh.dll'
}

function Test-ReadyToRun {
    # Whether an assembly file already carries precompiled code (or is not a managed assembly at all).
    param([string] $Path)
    $stream = [System.IO.File]::OpenRead($Path)
    try {
        $headers = [System.Reflection.PortableExecutable.PEReader]::new($stream).PEHeaders
        -not $headers.CorHeader -or $headers.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0
    }
    catch [System.BadImageFormatException] { $true }
    finally { $stream.Dispose() }
}

function Invoke-EngineBenchmark {
    Write-Host '== Engine benchmarks (BenchmarkDotNet)' -ForegroundColor Cyan
    $artifacts = Join-Path $WorkDir 'bdn'
    if (Test-Path $artifacts) { Remove-Item $artifacts -Recurse -Force }
    $arguments = @($BenchDll, 'engine', '--artifacts', $artifacts) + @(if ($Quick) { '--quick' })
    & dotnet @arguments | Out-Host
    $exit = $LASTEXITCODE
    $reports = @(Get-ChildItem (Join-Path $artifacts 'results') -Filter '*-report-brief.json' -ErrorAction SilentlyContinue)
    if (-not $reports) { return [ordered]@{ error = "BenchmarkDotNet wrote no results (exit code $exit)."; benchmarks = @() } }
    $rows = foreach ($report in $reports) {
        foreach ($benchmark in (Get-Content $report.FullName -Raw | ConvertFrom-Json).Benchmarks) {
            $statistics = $benchmark.Statistics
            [ordered]@{
                type       = $benchmark.Type
                method     = $benchmark.Method
                parameters = $benchmark.Parameters
                medianNs   = if ($statistics) { $statistics.Median } else { $null }
                minNs      = if ($statistics) { $statistics.Min } else { $null }
                maxNs      = if ($statistics) { $statistics.Max } else { $null }
                allocatedBytes = if ($benchmark.PSObject.Properties['Memory'] -and $benchmark.Memory) { $benchmark.Memory.BytesAllocatedPerOperation } else { $null }
            }
        }
    }
    [ordered]@{ error = if ($exit -ne 0) { "BenchmarkDotNet exited with $exit (some benchmarks failed)." } else { $null }; benchmarks = @($rows) }
}

$allParts = 'engine', 'router', 'cmdlets', 'scheduler', 'listener'
$resultsPath = Join-Path $WorkDir 'results.json'
$results = [ordered]@{}
if (@($allParts | Where-Object { $_ -notin $Parts })) {
    if (-not (Test-Path $resultsPath)) { throw "Measuring only $($Parts -join ', ') keeps the other parts from $resultsPath, which does not exist: run every part first." }
    $results = Get-Content $resultsPath -Raw | ConvertFrom-Json -AsHashtable
    if ($results.smoke -ne [bool]$Quick) { throw "$resultsPath is from a $(if ($results.smoke) { 'smoke' } else { 'full' }) run; measure every part again, or match it with -Quick." }
}
if (-not $results.Contains('measured')) {
    # Runs before parts could be measured alone: every part is from that run.
    $results['measured'] = [ordered]@{}
    if ($results.Contains('started')) { foreach ($part in $allParts) { $results.measured[$part] = $results.started } }
}

if ('router' -in $Parts) { Install-BenchTool }
try {
    $env:MUXLY_BENCH_PWSH = Initialize-BenchPwsh
    $results['machine'] = Get-MachineInfo
    $results['smoke'] = [bool]$Quick
    if ('engine' -in $Parts) {
        $results.measured['engine'] = $started.ToString('o')
        $results['engine'] = Invoke-EngineBenchmark
    }

    if ('router' -in $Parts) {
        Write-Host '== Router, end to end' -ForegroundColor Cyan
        $results.measured['router'] = $started.ToString('o')
        $results['sizes'] = $Sizes
        $results['runs'] = $Runs
        $results['router'] = @(& (Join-Path $PSScriptRoot 'router/Invoke-RouterComparison.ps1') -ModulePath $ModulePath -BenchDll $BenchDll `
                -WorkDir (Join-Path $WorkDir 'router') -Sizes $Sizes -Runs $Runs -PowerShellMaxRecords $PowerShellMaxRecords)
    }

    if ('cmdlets' -in $Parts) {
        Write-Host '== Cmdlets' -ForegroundColor Cyan
        $results.measured['cmdlets'] = $started.ToString('o')
        $results['cmdlets'] = @(& (Join-Path $PSScriptRoot 'cmdlets/Measure-CmdletTimings.ps1') -ModulePath $ModulePath -WorkDir (Join-Path $WorkDir 'cmdlets') -Runs ([math]::Max($Runs, 5)))
    }

    if ('scheduler' -in $Parts) {
        Write-Host '== Scheduler' -ForegroundColor Cyan
        $results.measured['scheduler'] = $started.ToString('o')
        # A smoke run measures 15 s once; the real one 60 s, several times.
        $results['scheduler'] = & (Join-Path $PSScriptRoot 'scheduler/Measure-Scheduler.ps1') -ModulePath $ModulePath -WorkDir (Join-Path $WorkDir 'scheduler') `
            -Runs ($Quick ? 1 : $Runs) -Seconds ($Quick ? 15 : 60)
    }

    if ('listener' -in $Parts) {
        Write-Host '== Webhook listener' -ForegroundColor Cyan
        $results.measured['listener'] = $started.ToString('o')
        $results['listener'] = & (Join-Path $PSScriptRoot 'webhooks/Measure-Listener.ps1') -ModulePath $ModulePath -BenchDll $BenchDll `
            -WorkDir (Join-Path $WorkDir 'listener') -Runs $Runs -Seconds $(if ($Quick) { 3 } else { 10 }) -WarmUpSeconds $(if ($Quick) { 1 } else { 10 })
    }

    $results['started'] = $started.ToString('o')
    $results['finished'] = [DateTimeOffset]::Now.ToString('o')
    $results | ConvertTo-Json -Depth 20 | Set-Content $resultsPath
    & (Join-Path $PSScriptRoot 'Write-PerformanceReport.ps1') -ResultsPath $resultsPath -ReportPath $ReportPath
    Write-Host "Results: $resultsPath; report: $ReportPath"
}
finally {
    # The copy is PowerShell's whole folder (its own System.Text.Json and reference assemblies among it): not left in
    # out/, where only the module's build belongs.
    if ($env:MUXLY_BENCH_PWSH) { Remove-Item (Split-Path $env:MUXLY_BENCH_PWSH) -Recurse -Force -ErrorAction SilentlyContinue }
    $env:MUXLY_BENCH_PWSH = $null
}
