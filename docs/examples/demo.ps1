<#
.SYNOPSIS
    An end-to-end tour of Muxly on a fresh SQLite database: what `build.ps1 Demo` runs.
    Each step prints what it does; the database is deleted at the end unless -Keep is given.
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
try {
    Step "Create a database and make it this session's default"
    Connect-MuxlyDatabase -Path $database -PassThru | Format-List | Out-Host

    Step 'Declare connectors, as a setup script would (-Force makes it re-runnable)'
    $env:DEMO_SHOP_TOKEN = 'not-a-real-token'
    $setup = {
        New-MuxlyConnector -Name shop-orders -ConnectorType api -Force `
            -ConnectionSettings @{ url = 'https://shop.example.test/api/orders'; records_path = 'data'; page_size = 100 } `
            -AuthSettings @{ type = 'bearer'; token = '${env:DEMO_SHOP_TOKEN}' }
        New-MuxlyConnector -Name shop-customers -ConnectorType api -Force `
            -ConnectionSettings @{ url = 'https://shop.example.test/api/customers' } `
            -Credential ([pscredential]::new('reporting', (ConvertTo-SecureString 'S3cret!' -AsPlainText -Force)))
        New-MuxlyConnector -Name nightly-exports -ConnectorType file -Force -ConnectionSettings @{ path = '/srv/exports/*.csv'; format = 'csv' }
    }
    & $setup | Out-Null
    & $setup | Out-Null   # the second run changes nothing
    Get-MuxlyConnector | Out-Host

    Step 'Secrets are masked; ${env:NAME} references stay as written'
    Get-MuxlyConnector shop-* | Select-Object Name, AuthSettings | Format-Table -AutoSize | Out-Host

    Step 'Pipelines: disable every shop connector, then look at what is enabled'
    Get-MuxlyConnector shop-* | Disable-MuxlyConnector
    Get-MuxlyConnector | Select-Object Name, Enabled | Format-Table -AutoSize | Out-Host

    Step 'Change a connector (rename, new settings) and enable it again'
    Set-MuxlyConnector -Name nightly-exports -NewName nightly-csv -ConnectionSettings @{ path = '/srv/exports/*.csv'; format = 'csv'; delimiter = ';' } -PassThru |
        Enable-MuxlyConnector -PassThru | Out-Host

    Step 'Settings: typed values with documented defaults'
    Set-MuxlySetting -Key executions.retention_per_job -Value 500
    Set-MuxlySetting -Key retry.base_delay_seconds -Value '10'
    Get-MuxlySetting -Key executions.*, retry.* | Out-Host
    try {
        Set-MuxlySetting -Key retry.base_delay_seconds -Value 'soon' -ErrorAction Stop
    }
    catch {
        Write-Host "Refused as expected: $($_.Exception.Message) [$($_.FullyQualifiedErrorId)]" -ForegroundColor Yellow
    }

    Step 'Remove a connector (it would take its routes and jobs with it)'
    Remove-MuxlyConnector -Name shop-customers -Force
    Get-MuxlyConnector | Out-Host

    Step 'Back up the database online'
    Backup-MuxlyDatabase -Destination (Join-Path $folder 'backup.db') | Select-Object Name, Length | Out-Host
    Get-MuxlyConnector -Database (Join-Path $folder 'backup.db') | Select-Object Name | Out-Host

    Step 'Where things stand'
    Get-MuxlyDatabase | Out-Host
    Write-Host 'Demo finished.' -ForegroundColor Green
}
finally {
    Remove-Item Env:DEMO_SHOP_TOKEN -ErrorAction SilentlyContinue
    if ($Keep) { Write-Host "Database kept at $database" }
    elseif (Test-Path $folder) { Remove-Item $folder -Recurse -Force }
}
