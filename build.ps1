#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and demonstrates Muxly. One script, named tasks; nothing to remember to do by hand.

.DESCRIPTION
    Build  Compiles the engine and cmdlets and lays out an importable module at out/Muxly (assemblies, native SQLite
           for linux-x64, linux-arm64, osx-arm64, osx-x64 and win-x64, format/type files, MAML help), precompiles
           the assemblies (ReadyToRun) for the runtime and platform of this pwsh, then checks it.
    Test   Build, then the xunit tests and every Pester file (each in its own pwsh), and one closing line
           'N passed, N failed' for both. Exits non-zero if anything failed.
    Demo   Build, then an end-to-end demo on a fresh SQLite database.
    Clean  Removes out/ and every bin/ and obj/.
    Bench  Build, then every benchmark (engine, router end to end against the PowerShell pipeline, jq and Miller, the
           cmdlets) on this machine, and docs/performance.md from the results. Installs jq, Miller and GNU time if
           missing. Not part of Test or CI; slow at the default sizes. See docs/performance.md.
    Help   Regenerates only the MAML help from docs/cmdlets into out/Muxly.

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Clean', 'Help', 'Bench')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Run only the Pester files whose names match (Test task).
    [string] $PesterFilter = '*',

    # Bench: the router's input sizes (records), runs per figure, and -BenchQuick to run the engine benchmarks once
    # each in process (a smoke test of the harness, not figures).
    [long[]] $BenchSizes = @(100000, 1000000, 4000000),
    [int] $BenchRuns = 3,
    [switch] $BenchQuick,

    # Bench: measure only these parts again (engine, router, cmdlets, scheduler, listener) and keep the others from
    # the last run's out/bench/results.json; the report says which part was measured when.
    [ValidateSet('engine', 'router', 'cmdlets', 'scheduler', 'listener')]
    [string[]] $BenchParts = @('engine', 'router', 'cmdlets', 'scheduler', 'listener')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'Muxly'
$SupportedRids = 'linux-x64', 'linux-arm64', 'osx-arm64', 'osx-x64', 'win-x64'
# The pwsh running this script, for child processes. Under 'dotnet pwsh' the process is dotnet itself, which must be
# given pwsh.dll first or it takes -NoProfile for a dotnet command.
$Pwsh = [Environment]::ProcessPath
$PwshArguments = @(if ((Split-Path $Pwsh -LeafBase) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    Write-Host '== Build' -ForegroundColor Cyan
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    Invoke-Native dotnet @('build', (Join-Path $Root 'Muxly.PowerShell.sln'), '-c', $Configuration, '--nologo', '-v', 'quiet', '-clp:ErrorsOnly')
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/Muxly.PowerShell/Muxly.PowerShell.csproj'), '-c', $Configuration,
        '-o', $ModuleOut, '--no-build', '--nologo', '-v', 'quiet')

    # Keep the native SQLite builds for the platforms we support, in the layout ModuleInitializer probes.
    Get-ChildItem (Join-Path $ModuleOut 'runtimes') -Directory |
        Where-Object Name -NotIn $SupportedRids |
        Remove-Item -Recurse -Force
    Copy-Item (Join-Path $Root 'module/*') $ModuleOut -Recurse -Force
    Invoke-ReadyToRun
    Invoke-HelpBuild
    Test-ModuleLayout
    Write-Host "Module ready at $ModuleOut"
}

function Invoke-ReadyToRun {
    # Precompiles the module's assemblies for the runtime and platform of this pwsh, keeping their IL (net8.0), so
    # that a command does not wait for the JIT to compile the engine first (docs/architecture.md).
    $ilFolder = Join-Path $Out 'il'
    if (Test-Path $ilFolder) { Remove-Item $ilFolder -Recurse -Force }
    New-Item $ilFolder -ItemType Directory | Out-Null
    Get-ChildItem $ModuleOut -Filter '*.dll' | Copy-Item -Destination $ilFolder
    $done = & (Join-Path $Root 'tools/ReadyToRun/Invoke-ReadyToRun.ps1') -Assembly (Get-ChildItem $ilFolder -Filter '*.dll') `
        -OutputFolder $ModuleOut -Reference (Join-Path (Split-Path ([psobject].Assembly.Location)) '*.dll')
    Remove-Item $ilFolder -Recurse -Force
    if ($done) { Write-Host 'Precompiled the module''s assemblies (ReadyToRun) for this runtime and platform' }
}

function Invoke-HelpBuild {
    . (Join-Path $Root 'tools/ConvertTo-MamlHelp.ps1')
    $helpFolder = Join-Path $ModuleOut 'en-US'
    New-Item $helpFolder -ItemType Directory -Force | Out-Null
    ConvertTo-MamlHelp -MarkdownFolder (Join-Path $Root 'docs/cmdlets') -OutputPath (Join-Path $helpFolder 'Muxly.dll-Help.xml')
}

function Test-ModuleLayout {
    $problems = [System.Collections.Generic.List[string]]::new()
    # A newer System.Text.Json in the module breaks at its first call: the shared framework's copy must be used.
    if (Get-ChildItem $ModuleOut -Recurse -Filter 'System.Text.Json.dll') {
        $problems.Add('out/Muxly contains System.Text.Json.dll; the module must use the shared framework''s copy.')
    }
    foreach ($rid in $SupportedRids) {
        if (-not (Get-ChildItem (Join-Path $ModuleOut "runtimes/$rid/native") -Filter '*e_sqlite3*' -ErrorAction SilentlyContinue)) {
            $problems.Add("out/Muxly has no native SQLite for $rid.")
        }
    }

    # The manifest lists its cmdlets explicitly; they must be exactly the cmdlets the assembly defines, each with help.
    $manifest = Import-PowerShellDataFile (Join-Path $ModuleOut 'Muxly.psd1')
    $defined = & $Pwsh @PwshArguments -NoProfile -NonInteractive -Command @"
        `$types = [System.Reflection.Assembly]::LoadFrom('$(Join-Path $ModuleOut 'Muxly.dll')').GetExportedTypes()
        `$types | ForEach-Object { `$_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], `$false) } |
            ForEach-Object { '{0}-{1}' -f `$_.VerbName, `$_.NounName }
"@
    $exported = @($manifest.CmdletsToExport)
    foreach ($name in $defined | Where-Object { $_ -notin $exported }) { $problems.Add("Cmdlet $name is not in CmdletsToExport.") }
    foreach ($name in $exported | Where-Object { $_ -notin $defined }) { $problems.Add("CmdletsToExport lists $name, which the assembly does not define.") }
    foreach ($name in $exported) {
        if (-not (Test-Path (Join-Path $Root "docs/cmdlets/$name.md"))) { $problems.Add("No help: docs/cmdlets/$name.md is missing.") }
    }
    if ($problems.Count) { throw "The module layout check failed:`n  " + ($problems -join "`n  ") }
}

function Get-PesterPath {
    Invoke-Native dotnet @('restore', (Join-Path $Root 'tests/Muxly.PowerShell.Tests/Muxly.PowerShell.Tests.csproj'), '--nologo', '-v', 'quiet')
    $packages = $env:NUGET_PACKAGES
    if (-not $packages) {
        $line = (& dotnet nuget locals global-packages --list) -join ''
        $packages = $line -replace '^.*?global-packages:\s*', ''
    }
    $path = Join-Path $packages.Trim() 'pester/6.2.0/tools/Pester.psd1'
    if (-not (Test-Path $path)) { throw "Pester 6.2.0 was restored but not found at $path." }
    $path
}

function Invoke-XunitTests {
    Write-Host '== xunit' -ForegroundColor Cyan
    $results = Join-Path $Out 'test-results'
    New-Item $results -ItemType Directory -Force | Out-Null
    $trx = Join-Path $results 'engine.trx'
    Remove-Item $trx -ErrorAction SilentlyContinue
    & dotnet test (Join-Path $Root 'tests/Muxly.Engine.Tests/Muxly.Engine.Tests.csproj') -c $Configuration --no-build --nologo `
        --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' | Out-Host
    if (-not (Test-Path $trx)) { return [pscustomobject]@{ Passed = 0; Failed = 1 } }
    $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted }
}

function Invoke-PesterTests {
    Write-Host '== Pester' -ForegroundColor Cyan
    $pester = Get-PesterPath
    $passed = 0; $failed = 0
    $files = Get-ChildItem (Join-Path $Root 'tests/Muxly.PowerShell.Tests') -Filter '*.Tests.ps1' | Where-Object Name -Like "$PesterFilter*"
    foreach ($file in $files) {
        # A binary module cannot be unloaded: every file gets a fresh pwsh with the built module.
        $summary = Join-Path $Out "test-results/$($file.BaseName).json"
        Remove-Item $summary -ErrorAction SilentlyContinue
        $script = @"
            `$ErrorActionPreference = 'Stop'
            Import-Module '$pester' -MinimumVersion 6.2.0
            `$config = New-PesterConfiguration
            `$config.Run.Path = '$($file.FullName)'
            `$config.Run.PassThru = `$true
            `$config.Output.Verbosity = 'Normal'
            `$result = Invoke-Pester -Configuration `$config
            @{ Passed = `$result.PassedCount; Failed = `$result.FailedCount + `$result.FailedBlocksCount + `$result.FailedContainersCount } |
                ConvertTo-Json | Set-Content '$summary'
"@
        & $Pwsh @PwshArguments -NoProfile -NonInteractive -Command $script | Out-Host
        if (Test-Path $summary) {
            $counts = Get-Content $summary -Raw | ConvertFrom-Json
            $passed += $counts.Passed; $failed += $counts.Failed
        }
        else {
            Write-Host "Pester file $($file.Name) did not finish." -ForegroundColor Red
            $failed += 1
        }
    }
    [pscustomobject]@{ Passed = $passed; Failed = $failed }
}

function Invoke-Test {
    Invoke-Build
    $env:MUXLY_MODULE_PATH = Join-Path $ModuleOut 'Muxly.psd1'
    $xunit = Invoke-XunitTests
    $pester = Invoke-PesterTests
    Write-Host ("xunit: {0} passed, {1} failed; Pester: {2} passed, {3} failed" -f $xunit.Passed, $xunit.Failed, $pester.Passed, $pester.Failed)
    $failed = $xunit.Failed + $pester.Failed
    Write-Host ('{0} passed, {1} failed' -f ($xunit.Passed + $pester.Passed), $failed)
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    & $Pwsh @PwshArguments -NoProfile -NonInteractive -File (Join-Path $Root 'docs/examples/demo.ps1') -ModulePath (Join-Path $ModuleOut 'Muxly.psd1')
    if ($LASTEXITCODE -ne 0) { throw "The demo failed (exit code $LASTEXITCODE)." }
}

function Invoke-Bench {
    # Release is what is measured, whatever -Configuration says.
    $script:Configuration = 'Release'
    Invoke-Build
    & (Join-Path $Root 'bench/Invoke-Benchmarks.ps1') -ModulePath (Join-Path $ModuleOut 'Muxly.psd1') `
        -BenchDll (Join-Path $Root 'bench/Muxly.Benchmarks/bin/Release/net10.0/Muxly.Benchmarks.dll') `
        -WorkDir (Join-Path $Out 'bench') -ReportPath (Join-Path $Root 'docs/performance.md') `
        -Sizes $BenchSizes -Runs $BenchRuns -Quick:$BenchQuick -Parts $BenchParts
}

function Invoke-Clean {
    if (Test-Path $Out) { Remove-Item $Out -Recurse -Force }
    Get-ChildItem $Root -Directory -Recurse -Include 'bin', 'obj' | Remove-Item -Recurse -Force
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Clean' { Invoke-Clean }
    'Help' { Invoke-HelpBuild }
    'Bench' { Invoke-Bench }
}
