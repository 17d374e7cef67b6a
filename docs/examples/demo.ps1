<#
.SYNOPSIS
    An end-to-end tour of Muxly on a fresh SQLite database: what `build.ps1 Demo` runs.
    Each step prints what it does; everything is made in a temporary folder, deleted at the end unless -Keep.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/Muxly/Muxly.psd1'),
    [switch] $Keep
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

function Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }

$folder = Join-Path ([IO.Path]::GetTempPath()) ("muxly-demo-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
$database = Join-Path $folder 'muxly.db'
New-Item -ItemType Directory -Path $folder | Out-Null
try {
    Step "Create a database and make it this session's default"
    Connect-MuxlyDatabase -Path $database -PassThru | Format-List | Out-Host

    Step 'Some input: orders as JSON lines'
    $countries = 'US', 'DE', 'US', 'FR', 'US', 'JP'
    $orders = foreach ($i in 1..12) {
        [ordered]@{ id = $i; amount = $i * 250; status = $(if ($i % 5 -eq 0) { 'test' } else { 'paid' }); customer = [ordered]@{ name = "customer $i"; country = $countries[$i % 6] } } |
            ConvertTo-Json -Compress
    }
    Set-Content (Join-Path $folder 'orders.jsonl') $orders
    Get-Content (Join-Path $folder 'orders.jsonl') -TotalCount 3 | Out-Host

    Step 'Declare connectors, destinations, rules and a route, as a setup script would (-Force makes it re-runnable)'
    $env:DEMO_SHOP_TOKEN = 'not-a-real-token'
    $setup = {
        New-MuxlyConnector -Name orders -ConnectorType file -Force -ConnectionSettings @{ path = (Join-Path $folder 'orders.jsonl') }
        New-MuxlyConnector -Name shop-api -ConnectorType api -Force `
            -ConnectionSettings @{ url = 'https://shop.example.test/api/orders'; records_path = 'data'; pagination = @{ type = 'page' } } `
            -AuthSettings @{ type = 'bearer'; token = '${env:DEMO_SHOP_TOKEN}' }
        New-MuxlyDestination -Name big-orders -DestinationType file -Force -Config @{ path = (Join-Path $folder 'out/big-orders-${DATE}.jsonl'); mode = 'replace' }
        New-MuxlyDestination -Name us-orders -DestinationType file -Force -Config @{ path = (Join-Path $folder 'out/us-orders.csv'); mode = 'replace' }
        New-MuxlyDestination -Name everything-else -DestinationType file -Force -Config @{ path = (Join-Path $folder 'out/other.jsonl'); mode = 'replace' }
        New-MuxlyRule -Name skip-tests -Priority 1 -Condition "status == 'test'" -StopAfterMatch -Force
        New-MuxlyRule -Name big -Priority 10 -Condition 'amount > 1500' -Destination big-orders -Force -Transformation @(
            @{ type = 'rename_field'; config = @{ from = 'amount'; to = 'revenue' } }
            @{ type = 'set_field'; config = @{ field = 'category'; value = 'high' } }
            @{ type = 'format_string'; config = @{ template = 'Order {{id}} for {{customer.name}}'; output = 'title' } }
        )
        New-MuxlyRule -Name us -Priority 20 -Condition "customer.country == 'US'" -Destination us-orders -Force
        New-MuxlyRoute -Name orders -Connector orders -Rule skip-tests, big, us -UnmatchedDestination everything-else -Force
    }
    & $setup | Out-Null
    & $setup | Out-Null   # the second run changes nothing
    Get-MuxlyConnector | Out-Host
    Get-MuxlyRule | Out-Host
    Get-MuxlyTransformation -Rule big | Out-Host
    Get-MuxlyRoute | Out-Host

    Step 'Secrets are masked; ${env:NAME} references stay as written'
    Get-MuxlyConnector shop-api | Select-Object Name, AuthSettings | Format-Table -AutoSize | Out-Host

    Step 'Try a condition, and a rule, against an object before running anything'
    [pscustomobject]@{ amount = 2000; customer = @{ country = 'US' } } | Test-MuxlyCondition "amount > 1500 AND customer.country == 'US'" | Out-Host
    ([pscustomobject]@{ id = 99; amount = 2000; customer = @{ name = 'Ada' } } | Test-MuxlyRule -Name big).Output | Format-List | Out-Host

    Step 'What would the route do? (-WhatIf writes nothing)'
    Invoke-MuxlyRoute -Name orders -WhatIf | Out-Host

    Step 'Run the route'
    Invoke-MuxlyRoute -Name orders | Out-Host
    foreach ($file in Get-ChildItem (Join-Path $folder 'out')) {
        Write-Host "-- $($file.Name)"
        Get-Content $file.FullName | Select-Object -First 4 | Out-Host
    }

    Step 'Send objects from any PowerShell pipeline through the same route'
    @(
        [pscustomobject]@{ id = 100; amount = 9000; status = 'paid'; customer = [pscustomobject]@{ name = 'piped'; country = 'DE' } }
    ) | Send-MuxlyData -Route orders | Select-Object Route, Status, RecordsRead, Delivered | Out-Host

    Step 'Jobs: run the route as a job, as cron or Task Scheduler would (pwsh -NonInteractive -Command "Start-MuxlyJob orders-nightly")'
    New-MuxlyJob -Name orders-nightly -Connector orders -Route orders -Schedule '30 2 * * *' -TimeZone 'Europe/Berlin' -MaxRetries 2 -Force | Out-Null
    Get-MuxlyJob | Out-Host
    Get-MuxlyScheduleOccurrence -Job orders-nightly -Count 3 | ForEach-Object { $_.ToString('yyyy-MM-dd HH:mm zzz') } | Out-Host
    Start-MuxlyJob -Name orders-nightly | Out-Host
    Get-MuxlyJob orders-nightly | Get-MuxlyJobExecution -Last 5 | Out-Host

    Step 'Pipelines over configuration: disable every shop connector'
    Get-MuxlyConnector shop-* | Disable-MuxlyConnector
    Get-MuxlyConnector | Select-Object Name, Enabled | Format-Table -AutoSize | Out-Host

    Step 'Settings: typed values with documented defaults'
    Set-MuxlySetting -Key executions.retention_per_job -Value 500
    Get-MuxlySetting -Key executions.*, retry.* | Out-Host
    try {
        Set-MuxlySetting -Key retry.base_delay_seconds -Value 'soon' -ErrorAction Stop
    }
    catch {
        Write-Host "Refused as expected: $($_.Exception.Message) [$($_.FullyQualifiedErrorId)]" -ForegroundColor Yellow
    }

    Step 'Bad input is refused with a clear error and changes nothing'
    try {
        New-MuxlyRule -Name broken -Condition "amount > AND status == 'paid'" -ErrorAction Stop
    }
    catch {
        Write-Host "Refused as expected: $($_.Exception.Message)" -ForegroundColor Yellow
    }

    Step 'Remove a connector: its routes and jobs go with it'
    Remove-MuxlyConnector -Name orders -Force
    Get-MuxlyRoute | Out-Host
    Get-MuxlyJob | Out-Host

    Step 'Back up the database online'
    Backup-MuxlyDatabase -Destination (Join-Path $folder 'backup.db') | Select-Object Name, Length | Out-Host

    Step 'Where things stand'
    Get-MuxlyDatabase | Out-Host
    Write-Host 'Demo finished.' -ForegroundColor Green
}
finally {
    Remove-Item Env:DEMO_SHOP_TOKEN -ErrorAction SilentlyContinue
    if ($Keep) { Write-Host "Everything kept in $folder" }
    elseif (Test-Path $folder) { Remove-Item $folder -Recurse -Force }
}
