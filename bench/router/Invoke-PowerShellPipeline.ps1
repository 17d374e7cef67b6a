<#
.SYNOPSIS
    The idiomatic PowerShell pipeline of the router comparison (Workloads.ps1), run in its own pwsh.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Workload,
    [Parameter(Mandatory)] [string] $InputPath,
    [Parameter(Mandatory)] [string] $OutputPath,
    # Where to write the pipeline's own time ({"seconds": ...}), measured inside pwsh like the Muxly runner's.
    [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'Workloads.ps1')
$definition = $RouterWorkloads | Where-Object Name -EQ $Workload
$clock = [System.Diagnostics.Stopwatch]::StartNew()
& $definition.PowerShell $InputPath $OutputPath
$clock.Stop()
if ($ResultPath) { @{ seconds = $clock.Elapsed.TotalSeconds } | ConvertTo-Json | Set-Content -LiteralPath $ResultPath }
