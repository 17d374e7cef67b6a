<#
.SYNOPSIS
    Precompiles .NET assemblies (ReadyToRun) for the runtime and platform of the pwsh running this script.
.DESCRIPTION
    Used by build.ps1 (the module's assemblies) and by build.ps1 Bench (a precompiled copy of the pinned pwsh, as
    PowerShell's installers ship it). The compiler, crossgen2, comes from NuGet through ReadyToRun.csproj beside
    this script, at the version the SDK picks for this runtime. It compiles against the framework this pwsh runs on:
    a .NET 10 runtime ignores ReadyToRun code compiled against .NET 8, which is what the SDK's PublishReadyToRun
    produces for a net8.0 project. The IL stays in each file, so on another runtime or platform the precompiled code
    is ignored and the JIT compiles as before.

    Writes each assembly of -Assembly to -OutputFolder under the same name. Returns $false, with a warning, when no
    compiler can be had for this platform (the caller keeps the IL); throws when compiling fails.
#>
[CmdletBinding()]
param(
    # The IL assemblies to precompile.
    [Parameter(Mandatory)] [System.IO.FileInfo[]] $Assembly,
    [Parameter(Mandatory)] [string] $OutputFolder,
    # What they reference beyond the running framework and each other (paths; wildcards allowed).
    [string[]] $Reference = @()
)

$ErrorActionPreference = 'Stop'
$runtime = [System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()
$rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
$framework = 'net{0}.0' -f [Environment]::Version.Major
$project = Join-Path $PSScriptRoot 'ReadyToRun.csproj'
$properties = @("-p:TargetFramework=$framework", "-p:RuntimeIdentifier=$rid")

$found = & dotnet restore $project --nologo -v quiet @properties 2>&1
if ($LASTEXITCODE -eq 0) {
    $found = & dotnet msbuild $project -nologo '-t:ResolveFrameworkReferences;ResolveReadyToRunCompilers' -getItem:Crossgen2Tool @properties 2>&1
}
if ($LASTEXITCODE -ne 0) {
    Write-Warning "No ReadyToRun compiler for $framework on $rid ($($found -join ' ')); the assemblies stay IL only, with more JIT work at their start."
    return $false
}
$tool = @(($found -join "`n" | ConvertFrom-Json).Items.Crossgen2Tool)[0].Identity
$compiler, $prefix = if ($tool -like '*.dll') { 'dotnet', @($tool) } else { $tool, @() }
$targetOs, $targetArch = $rid -split '-', 2
$targetOs = @{ win = 'windows' }[$targetOs] ?? $targetOs

New-Item $OutputFolder -ItemType Directory -Force | Out-Null
$common = @('-O', "--targetos:$targetOs", "--targetarch:$targetArch", '-r', (Join-Path $runtime '*.dll')) +
    @($Reference | ForEach-Object { '-r'; $_ })
foreach ($il in $Assembly) {
    $others = @($Assembly | Where-Object Name -NE $il.Name | ForEach-Object { '-r'; $_.FullName })
    $output = & $compiler @prefix $il.FullName -o (Join-Path $OutputFolder $il.Name) @common @others 2>&1
    if ($LASTEXITCODE -ne 0) { throw "ReadyToRun compilation of $($il.Name) failed: $($output -join "`n")" }
}
Write-Verbose "Precompiled $($Assembly.Count) assemblies (ReadyToRun) for $framework on $rid"
$true
