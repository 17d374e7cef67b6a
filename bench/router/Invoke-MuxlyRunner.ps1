<#
.SYNOPSIS
    The Muxly runner of the router comparison, run in its own pwsh by Invoke-RouterComparison.ps1.
.DESCRIPTION
    Setup: a fresh database with a file connector on the input, a file destination, one rule with the benchmark
    condition and the workload's transformations, and a route. Run: Invoke-MuxlyRoute on it, timed inside the process
    too. Either writes a JSON result to -ResultPath; if the module lacks what is needed (a cmdlet, a connector or
    destination type), the result says so and the exit code is 3, so that the comparison reports Muxly as not
    available instead of failing.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [ValidateSet('Setup', 'Run')] [string] $Mode,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Database,
    [Parameter(Mandatory)] [string] $Workload,
    [Parameter(Mandatory)] [string] $ResultPath,
    [string] $InputPath,
    [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'Workloads.ps1')
$definition = $RouterWorkloads | Where-Object Name -EQ $Workload

try {
    Import-Module $ModulePath
    if ($Mode -eq 'Setup') {
        Remove-Item "$Database*" -Force -ErrorAction SilentlyContinue
        Connect-MuxlyDatabase -Path $Database
        New-MuxlyConnector -Name in -ConnectorType file -ConnectionSettings @{ path = $InputPath; format = 'jsonl' } | Out-Null
        New-MuxlyDestination -Name out -DestinationType file -Config @{ path = $OutputPath; format = $definition.Format; mode = 'replace' } | Out-Null
        New-MuxlyRule -Name high -Condition $RouterCondition -Destination out | Out-Null
        foreach ($step in $definition.Muxly) {
            Add-MuxlyTransformation -Rule high -TransformationType $step.Type -Config $step.Config | Out-Null
        }
        New-MuxlyRoute -Name bench -Connector in -Rule high | Out-Null
        @{ available = $true } | ConvertTo-Json | Set-Content -LiteralPath $ResultPath
    }
    else {
        Connect-MuxlyDatabase -Path $Database
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $summary = Invoke-MuxlyRoute -Name bench
        $clock.Stop()
        @{
            available = $true
            seconds   = $clock.Elapsed.TotalSeconds
            read      = $summary.RecordsRead
            delivered = $summary.Delivered
            status    = $summary.Status
            reason    = if ($summary.Status -ne 'Succeeded') { "the run $($summary.Status): $($summary.FailureReason)" } else { $null }
        } | ConvertTo-Json | Set-Content -LiteralPath $ResultPath
        if ($summary.Status -ne 'Succeeded') { exit 1 }
    }
}
catch {
    @{ available = $false; reason = "$($_.Exception.Message)" } | ConvertTo-Json | Set-Content -LiteralPath $ResultPath
    exit 3
}
