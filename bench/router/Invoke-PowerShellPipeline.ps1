<#
.SYNOPSIS
    The idiomatic PowerShell pipeline of the router comparison (Workloads.ps1), run in its own pwsh.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Workload,
    [Parameter(Mandatory)] [string] $InputPath,
    [Parameter(Mandatory)] [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'Workloads.ps1')
$definition = $RouterWorkloads | Where-Object Name -EQ $Workload
& $definition.PowerShell $InputPath $OutputPath
